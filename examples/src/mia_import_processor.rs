//! The original kumo quickstart: media files land in a bucket, a job per file goes onto a queue,
//! and a worker imports them, reading the bucket and alerting a topic when it fails. Particles
//! come from the company-wide crate (`kumo-particles`) and the squad's own (`mes-particles`).

use kumo_core::stack;

/// The worker's code: it reads each object a job names and reports failures to the alerts topic.
/// `deploy` bundles the directory into a zip and uploads it to the artifact bucket.
const IMPORTER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/lambda/importer");

stack! {
    /// Imports media files and alerts on failures.
    pub MiaImportProcessor(service = "mia-import-processor", tags = { "team" = "mes" }) {
        param sns_alerts_topic: String = "mia-alerts", "Name for topic that receives notifications.";
        protected let ingest = kumo_particles::bucket().noncurrent_days(30);
        let jobs = kumo_particles::queue().visibility_timeout(720);
        let alerts = kumo_particles::topic().name(sns_alerts_topic);
        let importer = mes_particles::worker(kumo_particles::Code::directory(IMPORTER))
            .reads(vec![ingest.read()])
            .consumes(jobs.clone())
            .notifies(alerts.clone());
        output ingest_bucket = ingest.name(), "Bucket that receives media files.", export;
        output jobs_url = jobs.url(), "URL of the import job queue.";
        output alerts_topic = alerts.arn(), "Topic that receives import failures.";
    }
}
