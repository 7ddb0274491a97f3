//! The local state under `.kumo/`: the template last applied to each stack and its outputs, kept
//! per target (region and account) and by the stack's name in CloudFormation as
//! `{kind}/{env}/{region}/{account}/{stack name}.json`, the templates of nested stacks by
//! content hash (`nested/{hash}.json`), the directories of bundles and locks, and the
//! directory's identity (`origin`) that marks its change sets.
//!
//! Records are kept by the name the stack is deployed under, so a stack whose name changes (a
//! new `stack-name-prefix` or `stack-name`) has none under its new name until it is deployed
//! there. Records kumo wrote before, by the app's name for the stack, are still read: per target
//! (`{kind}/{env}/{region}/{account}/{app name}.json`) when none is kept by the deployed name,
//! and from before kumo kept targets (`{kind}/{env}/{app name}.json`), as of an unknown target,
//! when no record of a known one matches. The next record or delete of the stack removes them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use kumo_core::nested::NestedTemplate;
use kumo_core::{App, Environment, Stack, Template, Written};

use crate::error::CliError;
use crate::fs::write_atomic;
#[cfg(feature = "deploy")]
use crate::ownership::Origin;

/// The applied templates.
const APPLIED: &str = "applied";
/// The outputs.
const OUTPUTS: &str = "outputs";
/// The directory of nested stacks' templates, by hash.
const NESTED: &str = "nested";
/// The file of the directory's identity.
#[cfg(feature = "deploy")]
const ORIGIN: &str = "origin";

/// Where a stack is deployed: the region and account of its stack ID.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TargetKey {
    region: String,
    account: String,
}

impl TargetKey {
    /// The target of the stack whose ID (an ARN) is `stack_id`:
    /// `arn:{partition}:cloudformation:{region}:{account}:stack/{name}/{guid}`.
    pub fn of_stack(stack_id: &str) -> Result<TargetKey, CliError> {
        let mut parts = stack_id.split(':');
        let (Some("arn"), Some(_), Some("cloudformation"), Some(region), Some(account)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(CliError::StackId(stack_id.to_owned()));
        };
        let plain =
            |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !plain(region) || !plain(account) {
            return Err(CliError::StackId(stack_id.to_owned()));
        }
        Ok(TargetKey {
            region: region.to_owned(),
            account: account.to_owned(),
        })
    }

    /// The account.
    pub fn account(&self) -> &str {
        &self.account
    }
}

impl fmt::Display for TargetKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (account {})", self.region, self.account)
    }
}

/// Which targets a read of the state considers: `None` matches any region or account.
#[derive(Debug, Clone, Copy, Default)]
pub struct TargetFilter<'a> {
    /// The region (`--region`, or kumo.toml's).
    pub region: Option<&'a str>,
    /// The account (kumo.toml's).
    pub account: Option<&'a str>,
}

impl TargetFilter<'_> {
    fn matches(&self, target: &TargetKey) -> bool {
        self.region.is_none_or(|r| r == target.region)
            && self.account.is_none_or(|a| a == target.account)
    }
}

/// Whose records: a stack's, by its name in CloudFormation and, for the records kumo kept
/// before by the app's name for it, that name.
#[derive(Debug, Clone, Copy)]
pub struct RecordKey<'a> {
    /// The stack's name in the app.
    app: &'a str,
    /// The name it is deployed under in the environment.
    deployed: &'a str,
    /// Whether records kept by the app's name may be this stack's: not when it is the name
    /// it is deployed under, nor when another stack of the app is deployed under it.
    legacy: bool,
}

impl<'a> RecordKey<'a> {
    /// The records of `stack` of `app`, deployed as `deployed` in `env`.
    pub fn new(
        app: &dyn App,
        env: &Environment,
        stack: &'a dyn Stack,
        deployed: &'a str,
    ) -> RecordKey<'a> {
        let name = stack.name();
        let taken = app
            .stacks()
            .iter()
            .any(|other| env.stack_name(other.name()) == name);
        RecordKey {
            app: name,
            deployed,
            legacy: name != deployed && !taken,
        }
    }

    /// The names records of the stack are kept under per target: the deployed name, then the
    /// app's name (from before records were kept by the deployed name) where it may be its.
    fn names(self) -> impl Iterator<Item = &'a str> {
        std::iter::once(self.deployed).chain(self.legacy.then_some(self.app))
    }
}

/// What `.kumo` holds of the template last deployed to a stack, beside the JSON of another
/// ([`State::applied_beside`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    /// No record.
    Nothing,
    /// The same JSON.
    Same,
    /// Other JSON, for [`parse`] or [`parse_beside`].
    Other {
        /// The record.
        path: PathBuf,
        /// Its JSON.
        text: String,
    },
}

/// The `.kumo` directory of a project.
#[derive(Debug, Clone)]
pub struct State {
    root: PathBuf,
}

impl State {
    /// The state under `root` (normally `./.kumo`).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        State { root: root.into() }
    }

    /// Where asset bundles are built: `{root}/build`.
    pub fn build_dir(&self) -> PathBuf {
        self.root.join("build")
    }

    /// Where the locks of stacks are: `{root}/locks`.
    pub fn locks_dir(&self) -> PathBuf {
        self.root.join("locks")
    }

    /// The identity of this state directory, kept in `{root}/origin` with the directory's path
    /// (made the first time it is asked for, and made anew in a copy of the directory at another
    /// path): kumo marks the change sets it makes with it.
    #[cfg(feature = "deploy")]
    pub fn origin(&self) -> Result<Origin, CliError> {
        let path = self.root.join(ORIGIN);
        let here = std::fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        let here = here.to_string_lossy().replace('\n', "\\n");
        // The origin kept for this directory; one kept with another path is the original's.
        let kept = || {
            let text = std::fs::read_to_string(&path).ok()?;
            let mut lines = text.lines();
            let origin = Origin::parse(lines.next()?)?;
            lines
                .next()
                .is_none_or(|kept| kept == here)
                .then_some(origin)
        };
        if let Some(origin) = kept() {
            return Ok(origin);
        }
        let made = Origin::new(&here);
        let text = format!("{}\n{here}\n", made.as_str());
        // Of runs that make one at once, the first to link its file in place wins, and each
        // goes on with the one on disk; a file there that is not this directory's (that of the
        // directory this one was copied from, or one that cannot be read) is replaced.
        let new = self.root.join(format!("{ORIGIN}.{}", made.as_str()));
        write_atomic(&new, text.as_bytes())?;
        let linked = match std::fs::hard_link(&new, &path) {
            Ok(()) => Ok(()),
            // Another run's, linked since this one looked.
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists && kept().is_some() => {
                Ok(())
            }
            // Another directory's, or a file system without links: written in place.
            Err(_) => write_atomic(&path, text.as_bytes()),
        };
        // What is left of it if it cannot be removed is no record, and read by nothing.
        let _ = std::fs::remove_file(&new);
        linked?;
        Ok(kept().unwrap_or(made))
    }

    /// The record of `kind` kept as `stack` in `env` for `target`.
    fn path(&self, kind: &str, target: &TargetKey, env: &str, stack: &str) -> PathBuf {
        self.root
            .join(kind)
            .join(env)
            .join(&target.region)
            .join(&target.account)
            .join(format!("{stack}.json"))
    }

    /// The record of `kind` of the app's stack `stack` in `env` from before kumo kept targets.
    fn untargeted(&self, kind: &str, env: &str, stack: &str) -> PathBuf {
        self.root.join(kind).join(env).join(format!("{stack}.json"))
    }

    /// The targets with a record of `kind` kept as `stack` in `env`, in order.
    fn targets(&self, kind: &str, env: &str, stack: &str) -> Result<Vec<TargetKey>, CliError> {
        let mut found = Vec::new();
        for region in subdirectories(&self.root.join(kind).join(env))? {
            let dir = self.root.join(kind).join(env).join(&region);
            for account in subdirectories(&dir)? {
                let target = TargetKey {
                    region: region.clone(),
                    account,
                };
                if recorded(&self.path(kind, &target, env, stack)) {
                    found.push(target);
                }
            }
        }
        found.sort();
        Ok(found)
    }

    /// The one record of `kind` of `stack` in `env` that `filter` matches, by its deployed
    /// name, else by the app's; else the record from before targets, if there is one.
    fn find(
        &self,
        kind: &str,
        env: &str,
        stack: RecordKey<'_>,
        filter: TargetFilter<'_>,
    ) -> Result<Option<PathBuf>, CliError> {
        // Per target, the record by the deployed name over the one by the app's.
        let mut matching: Vec<(TargetKey, &str)> = Vec::new();
        for name in stack.names() {
            for target in self.targets(kind, env, name)? {
                if filter.matches(&target) && matching.iter().all(|(t, _)| *t != target) {
                    matching.push((target, name));
                }
            }
        }
        matching.sort();
        match matching.as_slice() {
            [] => Ok(Some(self.untargeted(kind, env, stack.app)).filter(|p| recorded(p))),
            [(target, name)] => Ok(Some(self.path(kind, target, env, name))),
            _ => Err(CliError::AmbiguousState {
                env: env.to_owned(),
                stack: stack.app.to_owned(),
                same_region: matching.windows(2).any(|w| w[0].0.region == w[1].0.region),
                targets: matching.iter().map(|(t, _)| t.to_string()).collect(),
            }),
        }
    }

    /// The template last deployed to `stack` in `env` from here, of the one target `filter`
    /// matches, beside `now` (the JSON of a template as kumo writes it): a record that holds
    /// `now` is compared a piece at a time, not read whole.
    pub fn applied_beside(
        &self,
        env: &str,
        stack: RecordKey<'_>,
        filter: TargetFilter<'_>,
        now: &str,
    ) -> Result<Kept, CliError> {
        let Some(path) = self.find(APPLIED, env, stack, filter)? else {
            return Ok(Kept::Nothing);
        };
        // One that cannot be compared so is read whole, which tells why.
        if crate::fs::holds(&path, now).unwrap_or(false) {
            return Ok(Kept::Same);
        }
        Ok(match read(&path)? {
            Some(text) => Kept::Other { path, text },
            None => Kept::Nothing,
        })
    }

    /// Records the template just deployed to `target`.
    pub fn write_applied(
        &self,
        target: &TargetKey,
        env: &str,
        stack: RecordKey<'_>,
        body: &str,
    ) -> Result<(), CliError> {
        self.write(APPLIED, target, env, stack, body.as_bytes())
    }

    /// The outputs of `stack` in `env` when it was last deployed from here, if any, to the one
    /// target `filter` matches.
    pub fn outputs(
        &self,
        env: &str,
        stack: RecordKey<'_>,
        filter: TargetFilter<'_>,
    ) -> Result<Option<BTreeMap<String, String>>, CliError> {
        let Some(path) = self.find(OUTPUTS, env, stack, filter)? else {
            return Ok(None);
        };
        read(&path)?
            .map(|text| {
                serde_json::from_str(&text).map_err(|source| CliError::State {
                    path: path.clone(),
                    message: source.to_string(),
                })
            })
            .transpose()
    }

    /// Records the outputs of a stack deployed to `target`.
    pub fn write_outputs(
        &self,
        target: &TargetKey,
        env: &str,
        stack: RecordKey<'_>,
        outputs: &BTreeMap<String, String>,
    ) -> Result<(), CliError> {
        let mut text = serde_json::to_string_pretty(outputs).unwrap_or_default();
        text.push('\n');
        self.write(OUTPUTS, target, env, stack, text.as_bytes())
    }

    /// Writes the record of `kind` by the deployed name, in place of those kept by the app's
    /// name, for `target` and from before targets.
    fn write(
        &self,
        kind: &str,
        target: &TargetKey,
        env: &str,
        stack: RecordKey<'_>,
        contents: &[u8],
    ) -> Result<(), CliError> {
        write_atomic(&self.path(kind, target, env, stack.deployed), contents)?;
        for name in stack.names().skip(1) {
            remove_file(&self.path(kind, target, env, name))?;
        }
        remove_file(&self.untargeted(kind, env, stack.app))
    }

    /// Keeps the template of a nested stack under `.kumo/nested/{hash}.json`, where an offline
    /// `diff` finds the child a deployed parent's `TemplateURL` names.
    pub fn write_nested(&self, nested: &NestedTemplate) -> Result<(), CliError> {
        let path = self.nested_path(nested.hash());
        if path.is_file() {
            return Ok(());
        }
        write_atomic(&path, nested.body().as_bytes())
    }

    /// The template of the nested stack whose template hashes to `hash`, if kept here.
    pub fn nested(&self, hash: &str) -> Result<Option<Template>, CliError> {
        let path = self.nested_path(hash);
        read(&path)?.map(|text| parse(&path, &text)).transpose()
    }

    fn nested_path(&self, hash: &str) -> PathBuf {
        self.root.join(NESTED).join(format!("{hash}.json"))
    }

    /// Forgets `stack` in `env` deleted from `target` (and its records from before targets);
    /// those of other targets stay.
    pub fn remove(
        &self,
        target: &TargetKey,
        env: &str,
        stack: RecordKey<'_>,
    ) -> Result<(), CliError> {
        self.forget(target, env, stack)?;
        for kind in [APPLIED, OUTPUTS] {
            remove_file(&self.untargeted(kind, env, stack.app))?;
        }
        Ok(())
    }

    /// Removes the records of `stack` in `env` of `target` alone (by either name), not those
    /// from before kumo kept targets (whose target is unknown): for a stack that is not
    /// deployed there.
    pub fn forget(
        &self,
        target: &TargetKey,
        env: &str,
        stack: RecordKey<'_>,
    ) -> Result<(), CliError> {
        for kind in [APPLIED, OUTPUTS] {
            for name in stack.names() {
                remove_file(&self.path(kind, target, env, name))?;
            }
        }
        Ok(())
    }

    /// The targets in `region` that `stack` in `env` has records of (by either name), in order.
    #[cfg(feature = "deploy")]
    pub fn recorded_in(
        &self,
        env: &str,
        stack: RecordKey<'_>,
        region: &str,
    ) -> Result<Vec<TargetKey>, CliError> {
        let mut found = Vec::new();
        for kind in [APPLIED, OUTPUTS] {
            for name in stack.names() {
                found.extend(self.targets(kind, env, name)?);
            }
        }
        found.retain(|target| target.region == region);
        found.sort();
        found.dedup();
        Ok(found)
    }
}

/// Whether there is a record at `path`: a file, or what is in the way of one (a directory, a
/// looping link), which reading then reports, rather than take the stack for never deployed. A
/// link to nothing is no record.
fn recorded(path: &Path) -> bool {
    match std::fs::metadata(path) {
        Ok(_) => true,
        Err(err) => err.kind() != std::io::ErrorKind::NotFound,
    }
}

/// Removes the file at `path` if there is one.
fn remove_file(path: &Path) -> Result<(), CliError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(CliError::Remove {
            path: path.to_owned(),
            source,
        }),
    }
}

/// The names of the directories in `dir` (none if it does not exist).
fn subdirectories(dir: &Path) -> Result<Vec<String>, CliError> {
    let fail = |err: std::io::Error| CliError::State {
        path: dir.to_owned(),
        message: err.to_string(),
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(fail(err)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(fail)?;
        if entry.file_type().map_err(fail)?.is_dir() {
            names.extend(entry.file_name().to_str().map(str::to_owned));
        }
    }
    Ok(names)
}

/// The template whose JSON `text` was read from `path` under `.kumo`.
pub fn parse(path: &Path, text: &str) -> Result<Template, CliError> {
    Template::from_json(text).map_err(|source| invalid(path, source))
}

/// The template whose JSON `text` was read from `path` under `.kumo`, without the resources
/// written in it as in `now` (the text of the template it is compared with), and their IDs:
/// see [`Template::from_json_beside`].
pub fn parse_beside(
    path: &Path,
    text: &str,
    now: &Written,
) -> Result<(Template, BTreeSet<String>), CliError> {
    Template::from_json_beside(text, now).map_err(|source| invalid(path, source))
}

fn invalid(path: &Path, source: kumo_core::TemplateError) -> CliError {
    CliError::State {
        path: path.to_owned(),
        message: source.to_string(),
    }
}

fn read(path: &Path) -> Result<Option<String>, CliError> {
    match crate::fs::read_text(path, crate::fs::TEMPLATE_LIMIT) {
        Ok(text) => Ok(Some(text)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(CliError::State {
            path: path.to_owned(),
            message: err.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The template [`State::applied_text`] finds, read.
    fn applied(
        state: &State,
        env: &str,
        stack: RecordKey<'_>,
        filter: TargetFilter<'_>,
    ) -> Result<Option<Template>, CliError> {
        match state.applied_beside(env, stack, filter, "")? {
            Kept::Nothing => Ok(None),
            Kept::Same => parse(Path::new(""), "").map(Some),
            Kept::Other { path, text } => parse(&path, &text).map(Some),
        }
    }

    /// The stack `media`, deployed as `media-dev`.
    const MEDIA: RecordKey<'static> = RecordKey {
        app: "media",
        deployed: "media-dev",
        legacy: true,
    };

    const ANY: TargetFilter<'static> = TargetFilter {
        region: None,
        account: None,
    };

    fn target(region: &str, account: &str) -> TargetKey {
        TargetKey::of_stack(&format!(
            "arn:aws:cloudformation:{region}:{account}:stack/media-dev/0a1b"
        ))
        .unwrap()
    }

    fn region(region: &str) -> TargetFilter<'_> {
        TargetFilter {
            region: Some(region),
            account: None,
        }
    }

    #[test]
    fn the_target_is_the_region_and_account_of_the_stack_id() {
        let china = TargetKey::of_stack(
            "arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/jobs-dev/9e7c-11ef",
        )
        .unwrap();
        assert_eq!(china.to_string(), "cn-north-1 (account 123456789012)");
        for bad in [
            "",
            "jobs-dev",
            "arn:aws:s3:::bucket",
            "arn:aws:cloudformation::123456789012:stack/jobs-dev/x",
            "arn:aws:cloudformation:us-east-1:../..:stack/jobs-dev/x",
            "arn:aws:cloudformation:us-east-1",
        ] {
            let err = TargetKey::of_stack(bad).unwrap_err();
            assert!(err.to_string().contains(&format!("`{bad}`")), "{err}");
        }
    }

    #[cfg(feature = "deploy")]
    #[test]
    fn a_directory_keeps_one_origin_and_a_copy_elsewhere_gets_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join(".kumo");
        std::fs::create_dir_all(&root).unwrap();
        let state = State::new(&root);
        let made: Vec<Origin> = std::thread::scope(|scope| {
            let runs: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| state.origin().unwrap()))
                .collect();
            runs.into_iter().map(|run| run.join().unwrap()).collect()
        });
        assert!(made.windows(2).all(|w| w[0] == w[1]), "{made:?}");
        assert_eq!(state.origin().unwrap(), made[0]);
        let files = std::fs::read_dir(&root).unwrap().count();
        assert_eq!(files, 1, "only the origin is left");
        let copy = dir.path().join("copy");
        std::fs::create_dir_all(&copy).unwrap();
        std::fs::copy(root.join(ORIGIN), copy.join(ORIGIN)).unwrap();
        let copied = State::new(&copy).origin().unwrap();
        assert_ne!(copied, made[0]);
        assert_eq!(State::new(&copy).origin().unwrap(), copied);
        assert_eq!(state.origin().unwrap(), made[0]);
    }

    #[test]
    fn state_round_trips_per_target_and_is_removed_per_target() {
        let dir = tempfile::tempdir().unwrap();
        let state = State::new(dir.path());
        let (east, west) = (target("us-east-1", "111"), target("eu-west-1", "111"));
        assert!(applied(&state, "dev", MEDIA, ANY).unwrap().is_none());
        let template = Template::new().with_description("x");
        state
            .write_applied(&east, "dev", MEDIA, &template.to_json())
            .unwrap();
        let outputs = BTreeMap::from([("Url".to_owned(), "https://q".to_owned())]);
        state.write_outputs(&east, "dev", MEDIA, &outputs).unwrap();
        assert!(dir
            .path()
            .join("applied/dev/us-east-1/111/media-dev.json")
            .is_file());
        assert_eq!(
            applied(&state, "dev", MEDIA, ANY).unwrap(),
            Some(template.clone())
        );
        assert_eq!(
            state.outputs("dev", MEDIA, region("us-east-1")).unwrap(),
            Some(outputs.clone())
        );
        assert!(state
            .outputs("dev", MEDIA, region("eu-west-1"))
            .unwrap()
            .is_none());
        assert!(applied(&state, "prod", MEDIA, ANY).unwrap().is_none());

        state.remove(&west, "dev", MEDIA).unwrap();
        assert_eq!(
            state.outputs("dev", MEDIA, ANY).unwrap(),
            Some(outputs),
            "a delete elsewhere keeps this target's records"
        );
        state.remove(&east, "dev", MEDIA).unwrap();
        assert!(applied(&state, "dev", MEDIA, ANY).unwrap().is_none());
        assert!(state.outputs("dev", MEDIA, ANY).unwrap().is_none());
    }

    #[test]
    fn several_targets_need_a_filter_that_leaves_one() {
        let dir = tempfile::tempdir().unwrap();
        let state = State::new(dir.path());
        let body = |d: &str| Template::new().with_description(d);
        for (region, account) in [("us-east-1", "111"), ("eu-west-1", "111")] {
            state
                .write_applied(
                    &target(region, account),
                    "dev",
                    MEDIA,
                    &body(region).to_json(),
                )
                .unwrap();
        }
        let err = applied(&state, "dev", MEDIA, ANY).unwrap_err().to_string();
        assert_eq!(
            err,
            "stack `media` of env `dev` has records of several targets under .kumo: eu-west-1 (account 111), us-east-1 (account 111); pass --region to choose one"
        );
        assert_eq!(
            applied(&state, "dev", MEDIA, region("eu-west-1")).unwrap(),
            Some(body("eu-west-1"))
        );

        state
            .write_applied(
                &target("eu-west-1", "222"),
                "dev",
                MEDIA,
                &body("other account").to_json(),
            )
            .unwrap();
        let err = applied(&state, "dev", MEDIA, region("eu-west-1"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("eu-west-1 (account 111), eu-west-1 (account 222)"),
            "{err}"
        );
        assert!(
            err.ends_with("and set `account` under [env.dev] in kumo.toml"),
            "{err}"
        );
        let pinned = TargetFilter {
            region: Some("eu-west-1"),
            account: Some("222"),
        };
        assert_eq!(
            applied(&state, "dev", MEDIA, pinned).unwrap(),
            Some(body("other account"))
        );
    }

    #[test]
    fn records_from_before_targets_are_read_until_replaced_or_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let state = State::new(dir.path());
        let old = Template::new().with_description("old");
        let legacy = dir.path().join("applied/dev/media.json");
        write_atomic(&legacy, old.to_json().as_bytes()).unwrap();
        assert_eq!(
            applied(&state, "dev", MEDIA, region("eu-west-1")).unwrap(),
            Some(old.clone()),
            "the target of an old record is unknown: any region may be it"
        );

        let new = Template::new().with_description("new");
        let east = target("us-east-1", "111");
        state
            .write_applied(&east, "dev", MEDIA, &new.to_json())
            .unwrap();
        assert!(!legacy.exists(), "a new record replaces the old one");
        assert_eq!(applied(&state, "dev", MEDIA, ANY).unwrap(), Some(new));

        std::fs::write(&legacy, old.to_json()).unwrap();
        assert_eq!(
            applied(&state, "dev", MEDIA, region("eu-west-1")).unwrap(),
            Some(old),
            "the old record stands in where no target matches"
        );
        state.remove(&east, "dev", MEDIA).unwrap();
        assert!(!legacy.exists());
        assert!(applied(&state, "dev", MEDIA, ANY).unwrap().is_none());
    }

    #[test]
    fn records_are_kept_by_the_deployed_name_and_a_renamed_stack_has_none() {
        let dir = tempfile::tempdir().unwrap();
        let state = State::new(dir.path());
        let east = target("us-east-1", "111");
        let deployed = Template::new().with_description("deployed as media-dev");
        state
            .write_applied(&east, "dev", MEDIA, &deployed.to_json())
            .unwrap();
        let renamed = RecordKey {
            app: "media",
            deployed: "acme-media-dev",
            legacy: true,
        };
        assert_eq!(
            applied(&state, "dev", renamed, ANY).unwrap(),
            None,
            "a new stack-name-prefix names a stack not deployed yet"
        );
        #[cfg(feature = "deploy")]
        assert!(state
            .recorded_in("dev", renamed, "us-east-1")
            .unwrap()
            .is_empty());
        assert_eq!(applied(&state, "dev", MEDIA, ANY).unwrap(), Some(deployed));
    }

    #[test]
    fn records_kept_by_the_apps_name_are_read_until_replaced_or_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let state = State::new(dir.path());
        let east = target("us-east-1", "111");
        let old = Template::new().with_description("kept by the app's name");
        let legacy = dir.path().join("applied/dev/us-east-1/111/media.json");
        write_atomic(&legacy, old.to_json().as_bytes()).unwrap();
        assert_eq!(
            applied(&state, "dev", MEDIA, ANY).unwrap(),
            Some(old.clone())
        );
        #[cfg(feature = "deploy")]
        assert_eq!(
            state.recorded_in("dev", MEDIA, "us-east-1").unwrap(),
            vec![east.clone()]
        );

        let new = Template::new().with_description("kept by the deployed name");
        state
            .write_applied(&east, "dev", MEDIA, &new.to_json())
            .unwrap();
        assert!(!legacy.exists(), "a new record replaces the old one");
        assert_eq!(applied(&state, "dev", MEDIA, ANY).unwrap(), Some(new));

        std::fs::write(&legacy, old.to_json()).unwrap();
        state.forget(&east, "dev", MEDIA).unwrap();
        assert!(!legacy.exists());
        assert_eq!(applied(&state, "dev", MEDIA, ANY).unwrap(), None);
    }

    #[test]
    fn records_of_several_targets_by_either_name_need_a_filter_that_leaves_one() {
        let dir = tempfile::tempdir().unwrap();
        let state = State::new(dir.path());
        let west = Template::new().with_description("eu-west-1, kept by the app's name");
        let legacy = dir.path().join("applied/dev/eu-west-1/111/media.json");
        write_atomic(&legacy, west.to_json().as_bytes()).unwrap();
        let east = Template::new().with_description("us-east-1");
        state
            .write_applied(&target("us-east-1", "111"), "dev", MEDIA, &east.to_json())
            .unwrap();
        let err = applied(&state, "dev", MEDIA, ANY).unwrap_err().to_string();
        assert!(
            err.contains("eu-west-1 (account 111), us-east-1 (account 111)"),
            "{err}"
        );
        assert_eq!(
            applied(&state, "dev", MEDIA, region("eu-west-1")).unwrap(),
            Some(west)
        );
        assert_eq!(
            applied(&state, "dev", MEDIA, region("us-east-1")).unwrap(),
            Some(east)
        );
    }

    /// A stack of the app that is deployed under the name another stack of it has in the app.
    struct Named(&'static str);

    impl Stack for Named {
        fn name(&self) -> &str {
            self.0
        }

        fn template(&self, _: &Environment) -> Result<Template, kumo_core::StackError> {
            Ok(Template::new())
        }
    }

    #[test]
    fn the_apps_name_of_a_stack_is_no_key_when_another_stack_is_deployed_under_it() {
        let (media, old) = (Named("media"), Named("old"));
        let app = kumo_core::StackGroup::new()
            .stack(Named("media"))
            .stack(Named("old"));
        let env = Environment::new("dev").with_stack_name("old", "media");
        let key = RecordKey::new(&app, &env, &media, "media-dev");
        assert_eq!(key.names().collect::<Vec<_>>(), ["media-dev"]);
        let key = RecordKey::new(&app, &env, &old, "media");
        assert_eq!(key.names().collect::<Vec<_>>(), ["media", "old"]);
        let alone = kumo_core::StackGroup::new().stack(Named("media"));
        let key = RecordKey::new(&alone, &Environment::new("dev"), &media, "media-dev");
        assert_eq!(key.names().collect::<Vec<_>>(), ["media-dev", "media"]);
    }

    #[test]
    fn corrupt_state_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("applied/dev/us-east-1/111/media.json");
        write_atomic(&path, b"{").unwrap();
        let err = applied(&State::new(dir.path()), "dev", MEDIA, ANY).unwrap_err();
        assert!(
            err.to_string()
                .contains("applied/dev/us-east-1/111/media.json"),
            "{err}"
        );
    }

    #[test]
    fn a_record_that_cannot_be_read_is_an_error_not_a_stack_never_deployed() {
        let dir = tempfile::tempdir().unwrap();
        let state = State::new(dir.path());
        let applied_path = dir.path().join("applied/dev/us-east-1/111/media.json");
        let outputs_path = dir.path().join("outputs/dev/us-east-1/111/media.json");
        std::fs::create_dir_all(&applied_path).unwrap();
        std::fs::create_dir_all(&outputs_path).unwrap();
        let err = applied(&state, "dev", MEDIA, ANY).unwrap_err();
        assert!(
            err.to_string()
                .contains("applied/dev/us-east-1/111/media.json"),
            "{err}"
        );
        let err = state.outputs("dev", MEDIA, ANY).unwrap_err();
        assert!(
            err.to_string()
                .contains("outputs/dev/us-east-1/111/media.json"),
            "{err}"
        );
        #[cfg(unix)]
        {
            std::fs::remove_dir(&applied_path).unwrap();
            std::os::unix::fs::symlink(&applied_path, &applied_path).unwrap();
            assert!(applied(&state, "dev", MEDIA, ANY).is_err());
        }
        assert_eq!(
            applied(
                &state,
                "dev",
                RecordKey {
                    app: "other",
                    deployed: "other-dev",
                    legacy: true,
                },
                ANY
            )
            .unwrap(),
            None
        );
    }
}
