// `Threshold` is a double; an integer value needs `.to_f64()`.
use kumo_core::intrinsic::reference;
use kumo_core::resources::cloudwatch::Alarm;

fn main() {
    let _ = Alarm::new().threshold(reference::<i64>("Threshold"));
}
