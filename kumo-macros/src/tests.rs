//! No input makes the macros panic: valid inputs, and every variant of them with one token
//! dropped or one token swapped for another, expand to code or to compile errors.

use proc_macro2::TokenStream;

const STACK: &str = r#"
    ///Docs.
    pub Media(service = "media", description = "d", tags = { "team" = "mes", }) {
        param retention : i64 = 14 , "Days." ;
        let ingest = kumo_particles :: bucket ( ) . noncurrent_days ( 30 ) ;
        condition is_prod = Condition :: equals ( stage , "prod" ) ;
        output ingest_arn = ingest . arn ( ) , "Arn." , export ;
        # [ logical_id ( "Size" ) ] # [ r#type ( "Number" ) ] # [ min_value ( 1 ) ]
        # [ allowed_values ( 1 , 2 ) ] param size : i64 ;
        mapping images = { "eu" = { "Ami" = "a" , "Zones" = [ "a" , 1 ] } } ;
        rule sized = Rule :: new ( ) ;
        output image = images . find ( "eu" , "Ami" ) , export = "x" , condition = is_prod ;
    }
"#;

const PARTICLE: &str = r#"
    ///Docs.
    pub fn bucket ( scope : & mut Scope , name : String , # [ default ( 90 ) ] days : i64 ,
        # [ default ] tags : Vec < String > ) -> Bucket { scope . add ( "b" , x ) }
"#;

const SWAPS: &[&str] = &[
    "", ";", ",", "=", "(", ")", "{", "}", "<", ">", "#", "let", "fn", "&", "'a", "\"s\"", "1",
    "_3",
];

/// Every variant of `source` with one whitespace-separated token dropped or replaced.
fn variants(source: &str) -> Vec<TokenStream> {
    let tokens: Vec<&str> = source.split_whitespace().collect();
    let mut out = Vec::new();
    for i in 0..tokens.len() {
        for swap in SWAPS {
            let mut changed = tokens.clone();
            changed[i] = swap;
            // One token a line: a `///` comment ends at its line, not at the end of the input.
            if let Ok(stream) = changed.join("\n").parse::<TokenStream>() {
                out.push(stream);
            }
        }
    }
    out
}

/// Expands every input, failing on a panic; returns how many expanded to code.
fn never_panics(
    expand: impl Fn(TokenStream) -> syn::Result<TokenStream>,
    inputs: Vec<TokenStream>,
) -> usize {
    let total = inputs.len();
    assert!(total > 100, "too few variants: {total}");
    let mut expanded = 0;
    for input in inputs {
        let text = input.to_string();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| expand(input)));
        match result {
            Ok(Ok(_)) => expanded += 1,
            Ok(Err(_)) => {}
            Err(_) => panic!("panicked on: {text}"),
        }
    }
    expanded
}

/// Many variants of a valid input are still valid: generating is exercised, not only parsing.
fn assert_many_expand(expanded: usize, source: &str) {
    let total = variants(source).len();
    assert!(
        expanded * 10 > total,
        "only {expanded} of {total} variants expand"
    );
}

#[test]
fn valid_inputs_expand() {
    assert!(crate::stack::expand(STACK.parse().unwrap()).is_ok());
    assert!(crate::particle::expand(TokenStream::new(), PARTICLE.parse().unwrap()).is_ok());
}

#[test]
fn header_metadata_keys_are_given_once() {
    let input = r#"pub M(service = "m", metadata = { "A" = 1, "B" = 2, "A" = 3 }) {}"#;
    let err = crate::stack::expand(input.parse().unwrap()).unwrap_err();
    assert_eq!(err.to_string(), r#"the metadata key "A" is given twice"#);
}

#[test]
fn a_nested_stacks_parameters_are_given_once() {
    let input = r#"pub M(service = "m") { nested net = Net { cidr: "a", r#cidr: "b" }; }"#;
    let err = crate::stack::expand(input.parse().unwrap()).unwrap_err();
    assert_eq!(err.to_string(), "the parameter `cidr` is given twice");
}

#[test]
fn tag_keys_are_given_once() {
    let header = r#"pub M(service = "m", tags = { "team" = "a", "team" = "b" }) {}"#;
    let err = crate::stack::expand(header.parse().unwrap()).unwrap_err();
    assert_eq!(err.to_string(), r#"the tag key "team" is given twice"#);
    let attribute = r#"pub M(service = "m") {
        #[tags("x" = "1", "x" = "2")] let jobs = sqs::Queue::new();
    }"#;
    let err = crate::stack::expand(attribute.parse().unwrap()).unwrap_err();
    assert_eq!(err.to_string(), r#"the tag key "x" is given twice"#);
}

#[test]
fn stack_never_panics() {
    let expanded = never_panics(crate::stack::expand, variants(STACK));
    assert_many_expand(expanded, STACK);
}

#[test]
fn particle_never_panics() {
    let expanded = never_panics(
        |item| crate::particle::expand(TokenStream::new(), item),
        variants(PARTICLE),
    );
    assert_many_expand(expanded, PARTICLE);
    never_panics(
        |args| crate::particle::expand(args, PARTICLE.parse().unwrap()),
        variants("( a = 1 , b , c , d , e , f , g , h )"),
    );
}
