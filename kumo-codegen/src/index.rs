//! The index (gzipped) of Rust names `kumo migrate` writes code with: for every resource type, its module
//! and struct, its properties (setter, value shape, required) and attributes, and its property
//! types and enums, exactly as [`crate::emit`] names them.
//!
//! One item a line, fields separated by tabs, in the order the generated code has them:
//!
//! - `K word...` (the first line) lists Rust's keywords, which no name may be unless raw;
//! - `R type service struct types-module tagging` starts a resource type (`tagging` is `-`,
//!   `L:Property` or `M:Property`); `S name` starts one of its property types; `E name` one of
//!   its enums.
//! - `P cfn method shape r|o` is a property of the latest `R` or `S` (`r` when required, which
//!   makes it an argument of `new`, in this order); `A cfn method shape` an attribute of the
//!   latest `R`; `V variant value` a variant of the latest `E`.
//! - A shape is `s` string, `i` integer, `f` number, `b` boolean, `j` JSON, `p` policy document,
//!   `[` then a shape for a list, `{` then a shape for a map, `S:Name` a property type, `E:Name`
//!   an enum.

use std::fmt::Write;

use crate::model::{Property, Service, Tagging, Ty};
use crate::names::{KEYWORDS, NOT_RAW};

/// Where the index is committed, relative to the workspace.
pub const PATH: &str = "kumo-cli/src/migrate/index.txt.gz";

fn shape(ty: &Ty) -> String {
    match ty {
        Ty::String => "s".into(),
        Ty::Integer => "i".into(),
        Ty::Double => "f".into(),
        Ty::Boolean => "b".into(),
        Ty::Json => "j".into(),
        Ty::Policy => "p".into(),
        Ty::List(item) => format!("[{}", shape(item)),
        Ty::Map(item) => format!("{{{}", shape(item)),
        Ty::Struct(name) => format!("S:{name}"),
        Ty::Enum(name) => format!("E:{name}"),
    }
}

fn properties(out: &mut String, properties: &[Property]) {
    for p in properties {
        let required = if p.required { "r" } else { "o" };
        let _ = writeln!(
            out,
            "P\t{}\t{}\t{}\t{required}",
            p.cfn,
            p.method,
            shape(&p.ty)
        );
    }
}

/// The index text of every generated service.
pub fn index(services: &[Service]) -> String {
    let mut out = String::new();
    let keywords: Vec<&str> = KEYWORDS.iter().chain(NOT_RAW).copied().collect();
    let _ = writeln!(out, "K\t{}", keywords.join("\t"));
    for service in services {
        for r in &service.resources {
            let tagging = match &r.tagging {
                Tagging::None => "-".to_owned(),
                Tagging::List(list) => format!("L:{}", list.property),
                Tagging::Map(property) => format!("M:{property}"),
            };
            let _ = writeln!(
                out,
                "R\t{}\t{}\t{}\t{}\t{tagging}",
                r.type_name, service.module, r.name, r.module
            );
            properties(&mut out, &r.properties);
            for a in &r.attributes {
                let _ = writeln!(out, "A\t{}\t{}\t{}", a.cfn, a.method, shape(&a.ty));
            }
            for s in &r.structs {
                let _ = writeln!(out, "S\t{}", s.name);
                properties(&mut out, &s.properties);
            }
            for e in &r.enums {
                let _ = writeln!(out, "E\t{}", e.name);
                for (variant, value) in &e.variants {
                    let _ = writeln!(out, "V\t{variant}\t{value}");
                }
            }
        }
    }
    out
}

/// [`index`], gzipped (a tenth of the size; the header carries no time, so the bytes depend
/// only on the schemas).
pub fn compressed(services: &[Service]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut encoder, index(services).as_bytes())?;
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_nest() {
        let ty = Ty::List(Box::new(Ty::Map(Box::new(Ty::Struct("Tag".into())))));
        assert_eq!(shape(&ty), "[{S:Tag");
        assert_eq!(shape(&Ty::Enum("Mode".into())), "E:Mode");
        assert_eq!(shape(&Ty::Policy), "p");
    }
}
