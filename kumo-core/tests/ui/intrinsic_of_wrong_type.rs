// `DelaySeconds` is an integer; `Fn::GetAtt Jobs.Arn` yields a string.
use kumo_core::resources::sqs::Queue;
use kumo_core::Template;

fn main() {
    let mut template = Template::new();
    let jobs = template.add("Jobs", Queue::new()).unwrap();
    let _ = Queue::new().delay_seconds(jobs.arn());
}
