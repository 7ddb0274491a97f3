//! The original kumo quickstart: media files land in a bucket, a job per file goes onto a queue,
//! and a worker imports them, reading the bucket and alerting a topic when it fails. Particles
//! come from the company-wide crate (`kumo-particles`) and the squad's own (`mes-particles`).

use kumo_core::stack;

/// The worker's code: it reads each object a job names and reports failures to the alerts topic.
const IMPORTER: &str = r#"import json
import os

import boto3

s3 = boto3.client("s3")
sns = boto3.client("sns")


def handler(event, context):
    for record in event["Records"]:
        job = json.loads(record["body"])
        try:
            s3.head_object(Bucket=job["bucket"], Key=job["key"])
        except Exception as error:
            sns.publish(TopicArn=os.environ["ALERTS_TOPIC_ARN"], Message=f"import failed: {error}")
            raise
"#;

stack! {
    /// Imports media files and alerts on failures.
    pub MiaImportProcessor(service = "mia-import-processor", tags = { "team" = "mes" }) {
        param sns_alerts_topic: String = "mia-alerts", "Name for topic that receives notifications.";
        let ingest = kumo_particles::bucket().noncurrent_days(30);
        let jobs = kumo_particles::queue().visibility_timeout(720);
        let alerts = kumo_particles::topic().name(sns_alerts_topic);
        let importer = mes_particles::worker(IMPORTER)
            .reads(vec![ingest.read()])
            .consumes(jobs.clone())
            .notifies(alerts.clone());
        output ingest_bucket = ingest.name(), "Bucket that receives media files.", export;
        output jobs_url = jobs.url(), "URL of the import job queue.";
        output alerts_topic = alerts.arn(), "Topic that receives import failures.";
    }
}
