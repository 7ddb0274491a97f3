//! Stack events and statuses, read without the network: when an operation is over, whether it
//! worked, and which events caused a failure (the first real reasons, not the cascade of
//! cancellations and summaries that follows them).

use std::fmt;

/// One stack event, as the deploy engine keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// CloudFormation's ID of the event.
    pub id: String,
    /// The resource's logical ID (the stack's name for events of the stack itself).
    pub logical_id: String,
    /// The resource type (`AWS::CloudFormation::Stack` for the stack itself).
    pub resource_type: String,
    /// The resource's status, such as `CREATE_FAILED`.
    pub status: String,
    /// Why, when CloudFormation says.
    pub reason: Option<String>,
}

impl Event {
    /// Whether the event is about the stack rather than one of its resources.
    pub fn is_stack(&self) -> bool {
        self.resource_type == "AWS::CloudFormation::Stack"
    }

    /// Whether the event is the stack's own that ends its operation (`UPDATE_COMPLETE`,
    /// `ROLLBACK_FAILED`, ..).
    pub fn ends_operation(&self) -> bool {
        self.is_stack() && outcome(&self.status) != Outcome::InProgress
    }

    fn is_failure(&self) -> bool {
        self.status.ends_with("_FAILED")
    }

    /// A failure caused by another failure: a cancellation, or the stack's summary of them.
    fn is_consequence(&self) -> bool {
        let reason = self.reason.as_deref().unwrap_or_default();
        reason.contains("cancelled")
            || reason.starts_with("The following resource(s) failed")
            || (self.is_stack() && reason.is_empty())
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.status, self.resource_type, self.logical_id
        )?;
        if let Some(reason) = &self.reason {
            write!(f, ": {reason}")?;
        }
        Ok(())
    }
}

/// Where a stack operation stands, by the stack's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Still going.
    InProgress,
    /// Done as asked.
    Succeeded,
    /// Over, but not as asked (rolled back, or failed outright).
    Failed,
}

/// The outcome a stack status means for the operation that led to it.
pub fn outcome(status: &str) -> Outcome {
    if status.ends_with("_IN_PROGRESS") {
        Outcome::InProgress
    } else if status.contains("ROLLBACK") || status.ends_with("_FAILED") {
        Outcome::Failed
    } else {
        Outcome::Succeeded
    }
}

/// Why no new operation may start on a stack in `status`: one is under way (`None` when none
/// is). `command` is what to run again once it ends.
pub fn busy(status: &str, command: &str) -> Option<String> {
    if outcome(status) != Outcome::InProgress {
        return None;
    }
    Some(if status == "REVIEW_IN_PROGRESS" {
        format!(
            "the stack is busy (REVIEW_IN_PROGRESS): it is being created through a change set, perhaps by another deploy; when that is over, {command} again (`deploy` or `delete` removes the leftover of an interrupted run)"
        )
    } else {
        format!(
            "the stack is busy ({status}): another operation is running; wait until it ends (`status` shows it) and {command} again"
        )
    })
}

/// Why no deploy may start on a stack in `status` until someone settles it: a rollback or a
/// delete failed part way (`None` for any other status).
pub fn stuck(status: &str) -> Option<&'static str> {
    Some(match status {
        "UPDATE_ROLLBACK_FAILED" => {
            "the stack is in UPDATE_ROLLBACK_FAILED: fix what the rollback could not undo, then continue the rollback (aws cloudformation continue-update-rollback) before deploying"
        }
        "IMPORT_ROLLBACK_FAILED" => {
            "an import's rollback failed (IMPORT_ROLLBACK_FAILED): the stack cannot be deployed until it is settled again; its events say which resources the rollback could not undo"
        }
        "DELETE_FAILED" => {
            "a delete of the stack failed part way (DELETE_FAILED): some of its resources are gone; delete it again (`delete`), then deploy it anew"
        }
        _ => return None,
    })
}

/// Why no change set may be made for a stack in `status` now: it is [`stuck`] or [`busy`]
/// (`None`: one may). `command` is what to run again once a running operation ends.
pub fn refused(status: &str, command: &str) -> Option<String> {
    stuck(status)
        .map(str::to_owned)
        .or_else(|| busy(status, command))
}

/// The events that explain a failure, oldest first: every failed event that is not a
/// consequence of another; if there is none, the first failed event.
pub fn root_causes(events: &[Event]) -> Vec<&Event> {
    let failed: Vec<&Event> = events.iter().filter(|e| e.is_failure()).collect();
    let causes: Vec<&Event> = failed
        .iter()
        .copied()
        .filter(|e| !e.is_consequence())
        .collect();
    if causes.is_empty() {
        failed.into_iter().take(1).collect()
    } else {
        causes
    }
}

/// The first root cause as one line, for an error message.
pub fn explanation(events: &[Event]) -> String {
    root_causes(events).first().map_or_else(
        || "CloudFormation gave no reason".to_owned(),
        ToString::to_string,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An event sequence written as CloudFormation's documented event shapes, oldest first:
    /// `(logical id, type, status, reason)`.
    fn events(rows: &[(&str, &str, &str, &str)]) -> Vec<Event> {
        rows.iter()
            .enumerate()
            .map(|(i, (id, ty, status, reason))| Event {
                id: format!("event-{i}"),
                logical_id: (*id).to_owned(),
                resource_type: (*ty).to_owned(),
                status: (*status).to_owned(),
                reason: (!reason.is_empty()).then(|| (*reason).to_owned()),
            })
            .collect()
    }

    const STACK: &str = "AWS::CloudFormation::Stack";

    #[test]
    fn statuses_map_to_outcomes() {
        for (status, expected) in [
            ("CREATE_IN_PROGRESS", Outcome::InProgress),
            ("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", Outcome::InProgress),
            ("UPDATE_ROLLBACK_IN_PROGRESS", Outcome::InProgress),
            ("CREATE_COMPLETE", Outcome::Succeeded),
            ("UPDATE_COMPLETE", Outcome::Succeeded),
            ("DELETE_COMPLETE", Outcome::Succeeded),
            ("ROLLBACK_COMPLETE", Outcome::Failed),
            ("UPDATE_ROLLBACK_COMPLETE", Outcome::Failed),
            ("UPDATE_ROLLBACK_FAILED", Outcome::Failed),
            ("CREATE_FAILED", Outcome::Failed),
            ("DELETE_FAILED", Outcome::Failed),
        ] {
            assert_eq!(outcome(status), expected, "{status}");
        }
    }

    #[test]
    fn a_stack_is_busy_while_an_operation_is_under_way() {
        for status in [
            "CREATE_COMPLETE",
            "ROLLBACK_COMPLETE",
            "UPDATE_ROLLBACK_FAILED",
        ] {
            assert_eq!(busy(status, "plan"), None, "{status}");
        }
        let why = busy("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "plan").unwrap();
        assert!(
            why.starts_with("the stack is busy (UPDATE_COMPLETE_CLEANUP_IN_PROGRESS)")
                && why.ends_with("and plan again"),
            "{why}"
        );
        let why = busy("REVIEW_IN_PROGRESS", "delete").unwrap();
        assert!(why.contains("perhaps by another deploy"), "{why}");
        assert!(why.contains("over, delete again"), "{why}");
    }

    #[test]
    fn a_failed_create_is_explained_by_its_first_reason_not_the_cancellations() {
        let sequence = events(&[
            ("media-dev", STACK, "CREATE_IN_PROGRESS", "User Initiated"),
            ("Bucket", "AWS::S3::Bucket", "CREATE_IN_PROGRESS", ""),
            ("Queue", "AWS::SQS::Queue", "CREATE_IN_PROGRESS", ""),
            ("Bucket", "AWS::S3::Bucket", "CREATE_FAILED", "media-dev-ingest already exists"),
            ("Queue", "AWS::SQS::Queue", "CREATE_FAILED", "Resource creation cancelled"),
            ("media-dev", STACK, "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [Bucket, Queue]. Rollback requested by user."),
            ("Queue", "AWS::SQS::Queue", "DELETE_COMPLETE", ""),
            ("Bucket", "AWS::S3::Bucket", "DELETE_COMPLETE", ""),
            ("media-dev", STACK, "ROLLBACK_COMPLETE", ""),
        ]);
        let causes = root_causes(&sequence);
        assert_eq!(causes.len(), 1);
        assert_eq!(
            causes[0].to_string(),
            "CREATE_FAILED AWS::S3::Bucket Bucket: media-dev-ingest already exists"
        );
        assert_eq!(outcome(&sequence.last().unwrap().status), Outcome::Failed);
    }

    #[test]
    fn a_cancelled_update_points_at_the_cancellation() {
        let sequence = events(&[
            ("media-dev", STACK, "UPDATE_IN_PROGRESS", "User Initiated"),
            ("Queue", "AWS::SQS::Queue", "UPDATE_IN_PROGRESS", ""),
            (
                "media-dev",
                STACK,
                "UPDATE_ROLLBACK_IN_PROGRESS",
                "Stack update cancelled",
            ),
            (
                "Queue",
                "AWS::SQS::Queue",
                "UPDATE_FAILED",
                "Resource update cancelled",
            ),
            ("Queue", "AWS::SQS::Queue", "UPDATE_COMPLETE", ""),
            ("media-dev", STACK, "UPDATE_ROLLBACK_COMPLETE", ""),
        ]);
        let causes = root_causes(&sequence);
        assert_eq!(
            causes[0].to_string(),
            "UPDATE_FAILED AWS::SQS::Queue Queue: Resource update cancelled"
        );
    }

    #[test]
    fn a_stack_stuck_in_update_rollback_failed_reports_both_failures() {
        let sequence = events(&[
            ("media-dev", STACK, "UPDATE_IN_PROGRESS", "User Initiated"),
            (
                "Function",
                "AWS::Lambda::Function",
                "UPDATE_FAILED",
                "Runtime python2.7 is no longer supported",
            ),
            (
                "media-dev",
                STACK,
                "UPDATE_ROLLBACK_IN_PROGRESS",
                "The following resource(s) failed to update: [Function].",
            ),
            (
                "Role",
                "AWS::IAM::Role",
                "UPDATE_FAILED",
                "Role media-dev-worker was deleted outside CloudFormation",
            ),
            (
                "media-dev",
                STACK,
                "UPDATE_ROLLBACK_FAILED",
                "The following resource(s) failed to update: [Role].",
            ),
        ]);
        let causes: Vec<String> = root_causes(&sequence)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            causes,
            [
                "UPDATE_FAILED AWS::Lambda::Function Function: Runtime python2.7 is no longer supported",
                "UPDATE_FAILED AWS::IAM::Role Role: Role media-dev-worker was deleted outside CloudFormation",
            ]
        );
        assert_eq!(outcome("UPDATE_ROLLBACK_FAILED"), Outcome::Failed);
    }

    #[test]
    fn no_failure_means_no_cause() {
        let sequence = events(&[
            ("media-dev", STACK, "CREATE_IN_PROGRESS", "User Initiated"),
            ("media-dev", STACK, "CREATE_COMPLETE", ""),
        ]);
        assert!(root_causes(&sequence).is_empty());
        assert_eq!(explanation(&sequence), "CloudFormation gave no reason");
    }
}
