use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        param images: String;
        output image = images.find("eu-west-1", "Ami");
    }
}

fn main() {}
