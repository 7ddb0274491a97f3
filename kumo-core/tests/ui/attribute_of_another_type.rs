// A handle is typed by its resource: a bucket's attribute is not a queue's.
use kumo_core::resources::{s3::Bucket, sqs::Queue};
use kumo_core::typed::Handle;

fn main() {
    let queue: Handle<Queue> = Handle::new("Jobs");
    let _ = queue.website_url();
    let _: Handle<Bucket> = queue;
}
