//! `--require-approval`: which security changes a person must approve before a deploy goes
//! ahead, and the refusal when nobody can (`--yes`, or no terminal).

use crate::cli::DeployArgs;
use crate::config::RequireApproval;
use crate::error::CliError;
use crate::session::Session;
use kumo_core::security::SecurityChanges;

impl RequireApproval {
    /// What about `changes` needs approval under this setting, if anything.
    fn needs(self, changes: &SecurityChanges) -> Option<&'static str> {
        match self {
            RequireApproval::Never => None,
            RequireApproval::Broadening => changes.broadens().then_some("widens access"),
            RequireApproval::AnyChange => (!changes.is_empty()).then_some("touches access"),
        }
    }
}

/// Whether a deploy of `changes` may go on: always when `setting` (kumo's default,
/// `broadening`, when none is given) needs no approval of them, or when a person is asked (on a
/// terminal without `--yes`); otherwise why not, in one line that names the option.
fn decide(
    setting: Option<RequireApproval>,
    changes: &SecurityChanges,
    yes: bool,
    interactive: bool,
) -> Result<(), String> {
    let Some(what) = setting
        .unwrap_or(RequireApproval::Broadening)
        .needs(changes)
    else {
        return Ok(());
    };
    if interactive && !yes {
        return Ok(());
    }
    let nobody = if yes {
        "--yes does not approve it"
    } else {
        "no terminal to ask on"
    };
    Err(format!(
        "the change {what} (IAM, resource policies, security groups or public access) and needs approval, but {nobody}: deploy on a terminal to be asked, or pass --require-approval never"
    ))
}

/// Refuses the deploy of `changes` when the setting (`--require-approval`, else kumo.toml's)
/// needs approval of them and nobody can give it (see [`decide`]).
pub fn require(
    name: &str,
    changes: &SecurityChanges,
    args: &DeployArgs,
    session: &Session,
) -> Result<(), CliError> {
    let setting = args.require_approval.or(session.config.require_approval);
    decide(setting, changes, args.yes, Session::interactive()).map_err(|message| CliError::Deploy {
        stack: name.to_owned(),
        message,
    })
}

#[cfg(test)]
mod tests {
    use kumo_core::{Resource, Template};
    use serde_json::json;

    use super::*;

    fn opened() -> SecurityChanges {
        let mut new = Template::new();
        new.add_resource(
            "Web",
            Resource::new("AWS::EC2::SecurityGroup").property(
                "SecurityGroupIngress",
                json!([{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}]),
            ),
        )
        .unwrap();
        SecurityChanges::between(&Template::new(), &new)
    }

    #[test]
    fn broadening_needs_a_person_unless_never_is_given() {
        let widening = opened();
        // Asked on a terminal; refused with --yes or without a terminal, naming the option.
        assert_eq!(decide(None, &widening, false, true), Ok(()));
        for (yes, interactive, says) in [
            (true, true, "--yes does not approve it"),
            (false, false, "no terminal to ask on"),
            (true, false, "--yes does not approve it"),
        ] {
            let why = decide(None, &widening, yes, interactive).unwrap_err();
            assert!(
                why.contains(says) && why.contains("--require-approval never"),
                "{why}"
            );
            assert!(why.contains("widens access"), "{why}");
            assert_eq!(
                decide(
                    Some(RequireApproval::Broadening),
                    &widening,
                    yes,
                    interactive
                ),
                Err(why)
            );
            assert_eq!(
                decide(Some(RequireApproval::Never), &widening, yes, interactive),
                Ok(())
            );
        }
    }

    #[test]
    fn any_change_needs_approval_of_a_narrowing_too() {
        let narrowing = {
            let mut old = Template::new();
            old.add_resource("Web", Resource::new("AWS::EC2::SecurityGroup").property(
                "SecurityGroupIngress",
                json!([{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}]),
            ))
            .unwrap();
            SecurityChanges::between(&old, &Template::new())
        };
        assert!(!narrowing.broadens());
        assert_eq!(decide(None, &narrowing, true, false), Ok(()));
        let why = decide(Some(RequireApproval::AnyChange), &narrowing, true, false).unwrap_err();
        assert!(why.starts_with("the change touches access"), "{why}");
        assert_eq!(
            decide(
                Some(RequireApproval::AnyChange),
                &SecurityChanges::default(),
                true,
                false
            ),
            Ok(())
        );
    }
}
