//! The media-services platform as an app of three stacks wired by typed references: `network`
//! (a VPC and its subnet), `data` (the media bucket, the job queue and the catalogue table, with
//! the database security group in the network's VPC) and `service` (the import worker, reading
//! the data stack's bucket and queue). `deploy` deploys them in that order; `delete` the
//! other way round.
//!
//! The VPC, the subnet, the bucket and the queue never change once made, so the consumers import
//! their exports. The catalogue table's name is passed to the worker as a parameter instead,
//! so that the data stack stays free to replace the table.

use kumo_core::iam::Statement;
use kumo_core::resources::{ec2, lambda};
use kumo_core::{stack, Grant, StackGroup};
use kumo_particles::Code;

/// The import worker's code, bundled by `deploy`.
const IMPORTER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/lambda/importer");

stack! {
    /// The platform's network.
    pub Network(service = "mes-network", tags = { "team" = "mes" }) {
        let vpc = ec2::Vpc::new()
            .cidr_block("10.20.0.0/16")
            .enable_dns_hostnames(true)
            .enable_dns_support(true);
        let subnet = ec2::Subnet::new(vpc.r#ref()).cidr_block("10.20.1.0/24");
        output vpc_id = vpc.r#ref(), "The platform VPC.", export;
        output subnet_id = subnet.r#ref(), "The platform's private subnet.", export;
    }
}

stack! {
    /// The platform's data: media files, import jobs and the catalogue.
    pub Data(service = "mes-data", tags = { "team" = "mes" }) {
        import vpc = Network::VPC_ID;
        protected let media = kumo_particles::bucket().noncurrent_days(30);
        let jobs = kumo_particles::queue().visibility_timeout(720);
        let catalogue = kumo_particles::table("media_id".to_owned());
        let database_access = ec2::SecurityGroup::new("Clients of the catalogue database.")
            .vpc_id(vpc);
        output media_bucket = media.name(), "Bucket that receives media files.", export;
        output media_bucket_arn = media.arn(), "ARN of the media bucket.", export;
        output jobs_queue_arn = jobs.arn(), "ARN of the import job queue.", export;
        output catalogue_table = catalogue.name(), "The catalogue table.";
        output catalogue_table_arn = catalogue.arn(), "ARN of the catalogue table.";
        output database_access_group = database_access.r#ref(), "Security group of database clients.", export;
    }
}

stack! {
    /// The import service: a worker that takes jobs from the data stack's queue and records
    /// the media files of its bucket in the catalogue.
    pub Service(service = "mes-service", tags = { "team" = "mes" }) {
        import media_bucket = Data::MEDIA_BUCKET;
        import media_bucket_arn = Data::MEDIA_BUCKET_ARN;
        import jobs_queue_arn = Data::JOBS_QUEUE_ARN;
        import catalogue_table = Data::CATALOGUE_TABLE, parameter;
        import catalogue_table_arn = Data::CATALOGUE_TABLE_ARN, parameter;
        let importer = kumo_particles::function(Code::directory(IMPORTER))
            .timeout_seconds(120)
            .environment(std::collections::BTreeMap::from([
                ("MEDIA_BUCKET".to_owned(), media_bucket),
                ("CATALOGUE_TABLE".to_owned(), catalogue_table),
            ]))
            .grants(vec![
                Grant::new(
                    "media",
                    [Statement::allow()
                        .action("s3:GetObject")
                        .resource(kumo_core::intrinsic::join("", [media_bucket_arn, "/*".into()]))],
                ),
                Grant::new(
                    "jobs",
                    [Statement::allow()
                        .actions([
                            "sqs:ReceiveMessage",
                            "sqs:DeleteMessage",
                            "sqs:GetQueueAttributes",
                        ])
                        .resource(jobs_queue_arn.clone())],
                ),
                Grant::new(
                    "catalogue",
                    [Statement::allow()
                        .actions(["dynamodb:PutItem", "dynamodb:UpdateItem"])
                        .resource(catalogue_table_arn)],
                ),
            ]);
        let jobs = lambda::EventSourceMapping::new(importer.handle.r#ref())
            .event_source_arn(jobs_queue_arn)
            .batch_size(10);
        output importer_arn = importer.arn(), "ARN of the import worker.";
    }
}

/// The app: the three stacks, with a hook that says where media files go once the data stack
/// is deployed.
pub fn app() -> StackGroup {
    StackGroup::new()
        .stack(Network)
        .stack(Data)
        .stack(Service)
        .hook_for("mes-data", kumo_core::HookPoint::AfterDeploy, |ctx| {
            if let Some(bucket) = ctx.outputs.get("MediaBucket") {
                eprintln!("{}: media files go to s3://{bucket}", ctx.stack_name);
            }
            Ok(())
        })
}
