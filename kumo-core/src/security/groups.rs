//! Security group rules, one row each: those inside `AWS::EC2::SecurityGroup` and the
//! standalone `AWS::EC2::SecurityGroupIngress` and `AWS::EC2::SecurityGroupEgress`.

use std::collections::BTreeSet;

use serde::Serialize;

use super::text::text;
use super::Resources;
use crate::Json;

/// Which way a rule lets traffic through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Into the group.
    Ingress,
    /// Out of the group.
    Egress,
}

/// One security group rule, as the security tables show it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Rule {
    /// The logical ID of the resource that holds the rule (the group, or the rule resource).
    pub holder: String,
    /// The group the rule is of (`${Web.GroupId}`).
    pub group: String,
    /// Into or out of the group.
    pub direction: Direction,
    /// `tcp`, `udp`, `icmp`, a protocol number, or `all` (`-1`).
    pub protocol: String,
    /// `443`, `8000-8080`, or `all`.
    pub ports: String,
    /// The other side: a CIDR, a prefix list or a group.
    pub peer: String,
}

/// The properties naming a rule's other side, in the order they are looked for.
const PEERS: &[&str] = &[
    "CidrIp",
    "CidrIpv6",
    "SourcePrefixListId",
    "DestinationPrefixListId",
    "SourceSecurityGroupId",
    "DestinationSecurityGroupId",
    "SourceSecurityGroupName",
];

/// The security group rules of `template`.
pub(crate) fn rules(resources: &Resources<'_>) -> BTreeSet<Rule> {
    let mut found = BTreeSet::new();
    for &(id, resource) in resources {
        let props = resource.properties();
        match resource.type_name() {
            "AWS::EC2::SecurityGroup" => {
                let group = format!("${{{id}.GroupId}}");
                for (key, direction) in [
                    ("SecurityGroupIngress", Direction::Ingress),
                    ("SecurityGroupEgress", Direction::Egress),
                ] {
                    let embedded = props.get(key).and_then(Json::as_array);
                    for rule in embedded.into_iter().flatten() {
                        found.insert(row(id, &group, direction, rule));
                    }
                }
            }
            kind @ ("AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress") => {
                let direction = if kind.ends_with("Ingress") {
                    Direction::Ingress
                } else {
                    Direction::Egress
                };
                let group = props
                    .get("GroupId")
                    .or_else(|| props.get("GroupName"))
                    .map(text)
                    .unwrap_or_default();
                found.insert(row(id, &group, direction, &Json::Object(props.clone())));
            }
            _ => {}
        }
    }
    found
}

/// One rule of `group`, held by `holder`, from its properties.
fn row(holder: &str, group: &str, direction: Direction, rule: &Json) -> Rule {
    let protocol = match rule.get("IpProtocol").map(text).as_deref() {
        None | Some("-1") => "all".to_owned(),
        Some(other) => other.to_lowercase(),
    };
    let port = |key: &str| rule.get(key).map(text);
    let ports = match (port("FromPort"), port("ToPort")) {
        _ if protocol == "all" => "all".to_owned(),
        (Some(from), Some(to)) if from == "-1" || (from == "0" && to == "65535") => {
            "all".to_owned()
        }
        (Some(from), Some(to)) if from == to => from,
        (Some(from), Some(to)) => format!("{from}-{to}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => "all".to_owned(),
    };
    let peer = PEERS
        .iter()
        .find_map(|key| rule.get(*key))
        .map(text)
        .unwrap_or_default();
    Rule {
        holder: holder.to_owned(),
        group: group.to_owned(),
        direction,
        protocol,
        ports,
        peer,
    }
}
