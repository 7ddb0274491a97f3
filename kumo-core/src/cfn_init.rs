//! cfn-init's configuration: the `AWS::CloudFormation::Init` metadata of an EC2 instance or
//! launch configuration (packages, groups, users, sources, files, commands, services, in
//! config sets), with the `AWS::CloudFormation::Authentication` it downloads with.
//!
//! An [`Init`] converts into the resource's whole `Metadata`, so
//! [`crate::typed::Attributes::metadata`] takes it.
//!
//! ```
//! use kumo_core::cfn_init::{Command, Config, File, Init, Service, ServiceManager};
//! use kumo_core::intrinsic::sub;
//!
//! let init = Init::new()
//!     .config_set("default", ["install", "start"])
//!     .config(
//!         "install",
//!         Config::new()
//!             .package("yum", "httpd", Vec::<String>::new())
//!             .file(
//!                 "/var/www/html/index.html",
//!                 File::new().content(sub("<h1>${AWS::StackName}</h1>")).mode("000644"),
//!             ),
//!     )
//!     .config(
//!         "start",
//!         Config::new()
//!             .command("01-check", Command::new("httpd -t"))
//!             .service(
//!                 ServiceManager::SysVInit,
//!                 "httpd",
//!                 Service::new().enabled(true).ensure_running(true),
//!             ),
//!     );
//! let metadata = serde_json::Value::from(init);
//! let install = &metadata["AWS::CloudFormation::Init"]["install"];
//! assert_eq!(install["packages"]["yum"]["httpd"], serde_json::json!([]));
//! assert_eq!(install["files"]["/var/www/html/index.html"]["mode"], "000644");
//! ```

use std::collections::BTreeMap;

use serde_json::json;

use crate::object::object;
use crate::typed::Properties;
use crate::value::{IntoValue, Json};

/// The metadata key of cfn-init's configuration.
pub const INIT: &str = "AWS::CloudFormation::Init";
/// The metadata key of the credentials cfn-init downloads files and sources with.
pub const AUTHENTICATION: &str = "AWS::CloudFormation::Authentication";

/// A resource's `Metadata` with cfn-init's configuration: named configs, config sets, and the
/// credentials of [`Init::authentication`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Init {
    configs: Properties,
    config_sets: Properties,
    authentication: Properties,
}

/// An item of a config set: a config's name, or another config set's items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSetItem {
    /// The config of this name.
    Config(String),
    /// Every item of the config set of this name (`{"ConfigSet": name}`).
    ConfigSet(String),
}

impl From<&str> for ConfigSetItem {
    fn from(config: &str) -> Self {
        ConfigSetItem::Config(config.to_owned())
    }
}

impl From<ConfigSetItem> for Json {
    fn from(item: ConfigSetItem) -> Self {
        match item {
            ConfigSetItem::Config(name) => Json::String(name),
            ConfigSetItem::ConfigSet(name) => json!({ "ConfigSet": name }),
        }
    }
}

impl Init {
    /// Configuration without configs.
    pub fn new() -> Self {
        Init::default()
    }

    /// Adds the config `name` (cfn-init runs `config` when no config set is asked for).
    pub fn config(mut self, name: &str, config: Config) -> Self {
        self.configs.insert(name.to_owned(), config.into());
        self
    }

    /// Adds the config set `name`: configs run in order.
    pub fn config_set<I>(mut self, name: &str, items: impl IntoIterator<Item = I>) -> Self
    where
        I: Into<ConfigSetItem>,
    {
        let items = items
            .into_iter()
            .map(|item| Json::from(item.into()))
            .collect();
        self.config_sets.insert(name.to_owned(), Json::Array(items));
        self
    }

    /// Adds the credentials `name`, for [`File::authentication`] and the sources of a config.
    pub fn authentication(mut self, name: &str, credentials: Credentials) -> Self {
        self.authentication
            .insert(name.to_owned(), credentials.into());
        self
    }
}

impl From<Init> for Json {
    fn from(init: Init) -> Self {
        let mut configs = init.configs;
        if !init.config_sets.is_empty() {
            configs.insert("configSets".to_owned(), Json::Object(init.config_sets));
        }
        let mut metadata = Properties::new();
        for (key, section) in [(INIT, configs), (AUTHENTICATION, init.authentication)] {
            if !section.is_empty() {
                metadata.insert(key.to_owned(), Json::Object(section));
            }
        }
        Json::Object(metadata)
    }
}

/// Which service manager runs a [`Service`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ServiceManager {
    /// `sysvinit` (Linux).
    SysVInit,
    /// `windows`.
    Windows,
}

impl ServiceManager {
    /// The key cfn-init reads.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceManager::SysVInit => "sysvinit",
            ServiceManager::Windows => "windows",
        }
    }
}

/// One config of [`Init`]: what cfn-init does, in its order (packages, groups, users,
/// sources, files, commands, services).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config {
    packages: BTreeMap<String, Properties>,
    sections: BTreeMap<&'static str, Properties>,
    services: BTreeMap<ServiceManager, Properties>,
}

impl Config {
    /// A config that does nothing.
    pub fn new() -> Self {
        Config::default()
    }

    /// Installs `name` with the package `manager` (`yum`, `apt`, `rpm`, `python`, `rubygems`,
    /// `msi`): the listed versions, or the latest with none. For `rpm` and `msi` the one item
    /// is the package's URL.
    pub fn package(
        mut self,
        manager: &str,
        name: &str,
        versions: impl IntoValue<Vec<String>>,
    ) -> Self {
        self.packages
            .entry(manager.to_owned())
            .or_default()
            .insert(name.to_owned(), versions.into_value().into_json());
        self
    }

    /// Creates the Linux group `name`.
    pub fn group(self, name: &str, group: Group) -> Self {
        self.entry("groups", name, group.into())
    }

    /// Creates the Linux user `name`.
    pub fn user(self, name: &str, user: User) -> Self {
        self.entry("users", name, user.into())
    }

    /// Unpacks the archive at `url` into `directory`.
    pub fn source(self, directory: &str, url: impl IntoValue<String>) -> Self {
        self.entry("sources", directory, url.into_value().into_json())
    }

    /// Writes the file at `path`.
    pub fn file(self, path: &str, file: File) -> Self {
        self.entry("files", path, file.into())
    }

    /// Runs the command `name` (commands run in the alphabetical order of their names).
    pub fn command(self, name: &str, command: Command) -> Self {
        self.entry("commands", name, command.into())
    }

    /// Enables or runs the service `name` with its `manager`.
    pub fn service(mut self, manager: ServiceManager, name: &str, service: Service) -> Self {
        self.services
            .entry(manager)
            .or_default()
            .insert(name.to_owned(), service.into());
        self
    }

    fn entry(mut self, section: &'static str, key: &str, value: Json) -> Self {
        self.sections
            .entry(section)
            .or_default()
            .insert(key.to_owned(), value);
        self
    }
}

/// A map of maps as a JSON object.
fn nested<K: ToString>(maps: BTreeMap<K, Properties>) -> Json {
    Json::Object(
        maps.into_iter()
            .map(|(key, map)| (key.to_string(), Json::Object(map)))
            .collect(),
    )
}

impl From<Config> for Json {
    fn from(config: Config) -> Self {
        let mut object = Properties::new();
        if !config.packages.is_empty() {
            object.insert("packages".to_owned(), nested(config.packages));
        }
        for (section, entries) in config.sections {
            object.insert(section.to_owned(), Json::Object(entries));
        }
        if !config.services.is_empty() {
            let services = config
                .services
                .into_iter()
                .map(|(manager, map)| (manager.as_str(), map))
                .collect::<BTreeMap<_, _>>();
            object.insert("services".to_owned(), nested(services));
        }
        Json::Object(object)
    }
}

object! {
    /// A group of [`Config::group`].
    Group() {
        /// `gid`: the group ID.
        gid: "gid": String;
    }
}

object! {
    /// A user of [`Config::user`].
    User() {
        /// `groups`: the groups the user is in.
        groups: "groups": Vec<String>;
        /// `uid`: the user ID.
        uid: "uid": String;
        /// `homeDir`: the home directory.
        home_dir: "homeDir": String;
    }
}

object! {
    /// A file of [`Config::file`]: its content (or `source` URL) and attributes.
    File() {
        /// `content`: the file's text.
        content: "content": String;
        /// `content` as a JSON document, written as JSON.
        content_json: "content": Json;
        /// `source`: the URL to download the file from.
        source: "source": String;
        /// `encoding`: `plain` (default) or `base64`, of `content`.
        encoding: "encoding": String;
        /// `group`: the owning group.
        group: "group": String;
        /// `owner`: the owning user.
        owner: "owner": String;
        /// `mode`: six octal digits, such as `000644`.
        mode: "mode": String;
        /// `authentication`: the name of the [`Init::authentication`] credentials to download with.
        authentication: "authentication": String;
        /// `context`: the variables of a Mustache template `content`.
        context: "context": Json;
    }
}

object! {
    /// A command of [`Config::command`].
    Command(command: "command": String) {
        /// `env`: environment variables of the command.
        env: "env": BTreeMap<String, String>;
        /// `cwd`: the working directory.
        cwd: "cwd": String;
        /// `test`: a command that must succeed for this one to run.
        test: "test": String;
        /// `ignoreErrors`: carry on when the command fails.
        ignore_errors: "ignoreErrors": bool;
        /// `waitAfterCompletion`: seconds to wait after the command (Windows), or `forever`.
        wait_after_completion: "waitAfterCompletion": String;
    }
}

object! {
    /// A service of [`Config::service`]: its state, and what restarts it when it changes.
    Service() {
        /// `enabled`: start the service at boot.
        enabled: "enabled": bool;
        /// `ensureRunning`: keep the service running after cfn-init.
        ensure_running: "ensureRunning": bool;
        /// `files`: files whose change restarts the service.
        files: "files": Vec<String>;
        /// `sources`: directories whose change restarts the service.
        sources: "sources": Vec<String>;
        /// `packages`: packages (by manager, then names) whose change restarts the service.
        packages: "packages": BTreeMap<String, Vec<String>>;
        /// `commands`: commands whose run restarts the service.
        commands: "commands": Vec<String>;
    }
}

object! {
    /// Credentials of [`Init::authentication`]; [`Credentials::s3`] and [`Credentials::basic`]
    /// set the `type`.
    Credentials(kind: "type": String) {
        /// `accessKeyId` (S3).
        access_key_id: "accessKeyId": String;
        /// `buckets`: the buckets these credentials are for (S3).
        buckets: "buckets": Vec<String>;
        /// `password` (basic).
        password: "password": String;
        /// `secretKey` (S3).
        secret_key: "secretKey": String;
        /// `uris`: the URIs these credentials are for (basic).
        uris: "uris": Vec<String>;
        /// `username` (basic).
        username: "username": String;
        /// `roleName`: the instance profile's role to download with (S3).
        role_name: "roleName": String;
    }
}

impl Credentials {
    /// Credentials of type `S3`.
    pub fn s3() -> Self {
        Credentials::new("S3")
    }

    /// Credentials of type `basic` (HTTP basic authentication).
    pub fn basic() -> Self {
        Credentials::new("basic")
    }
}

#[cfg(test)]
mod tests {
    //! The forms of the `AWS::CloudFormation::Init` and `AWS::CloudFormation::Authentication`
    //! references.

    use super::*;
    use crate::intrinsic::reference;

    #[test]
    fn every_section_of_a_config() {
        let config = Config::new()
            .package("yum", "httpd", Vec::<String>::new())
            .package("yum", "php", ["5.1"])
            .package("rpm", "epel", ["http://example.com/epel.rpm"])
            .group("apache", Group::new().gid("45"))
            .user(
                "web",
                User::new().groups(["apache"]).uid("50").home_dir("/tmp"),
            )
            .source("/etc/puppet", "https://example.com/puppet.tgz")
            .file(
                "/tmp/setup.mysql",
                File::new()
                    .content(reference("Query"))
                    .mode("000644")
                    .owner("root")
                    .group("root")
                    .encoding("plain")
                    .authentication("S3Creds"),
            )
            .file(
                "/tmp/app.json",
                File::new()
                    .content_json(json!({"a": 1}))
                    .context(json!({"name": "x"})),
            )
            .file(
                "/tmp/remote",
                File::new().source("https://example.com/remote"),
            )
            .command(
                "test",
                Command::new("echo \"$MAGIC\" > test.txt")
                    .env(BTreeMap::from([("MAGIC", "I am test 2!")]))
                    .cwd("~")
                    .test("test ! -e ~/test.txt")
                    .ignore_errors(false)
                    .wait_after_completion("forever"),
            )
            .service(
                ServiceManager::SysVInit,
                "nginx",
                Service::new()
                    .enabled(true)
                    .ensure_running(true)
                    .files(["/etc/nginx/nginx.conf"])
                    .sources(["/var/www/html"])
                    .packages(BTreeMap::from([("yum", vec!["nginx"])]))
                    .commands(["test"]),
            )
            .service(
                ServiceManager::Windows,
                "cfn-hup",
                Service::new().enabled(false),
            );
        assert_eq!(
            Json::from(config),
            json!({
                "packages": {
                    "yum": {"httpd": [], "php": ["5.1"]},
                    "rpm": {"epel": ["http://example.com/epel.rpm"]}
                },
                "groups": {"apache": {"gid": "45"}},
                "users": {"web": {"groups": ["apache"], "uid": "50", "homeDir": "/tmp"}},
                "sources": {"/etc/puppet": "https://example.com/puppet.tgz"},
                "files": {
                    "/tmp/setup.mysql": {
                        "content": {"Ref": "Query"},
                        "mode": "000644",
                        "owner": "root",
                        "group": "root",
                        "encoding": "plain",
                        "authentication": "S3Creds"
                    },
                    "/tmp/app.json": {"content": {"a": 1}, "context": {"name": "x"}},
                    "/tmp/remote": {"source": "https://example.com/remote"}
                },
                "commands": {
                    "test": {
                        "command": "echo \"$MAGIC\" > test.txt",
                        "env": {"MAGIC": "I am test 2!"},
                        "cwd": "~",
                        "test": "test ! -e ~/test.txt",
                        "ignoreErrors": false,
                        "waitAfterCompletion": "forever"
                    }
                },
                "services": {
                    "sysvinit": {
                        "nginx": {
                            "enabled": true,
                            "ensureRunning": true,
                            "files": ["/etc/nginx/nginx.conf"],
                            "sources": ["/var/www/html"],
                            "packages": {"yum": ["nginx"]},
                            "commands": ["test"]
                        }
                    },
                    "windows": {"cfn-hup": {"enabled": false}}
                }
            })
        );
    }

    #[test]
    fn config_sets_and_authentication() {
        let init = Init::new()
            .config_set("base", ["one"])
            .config_set(
                "full",
                [
                    ConfigSetItem::ConfigSet("base".to_owned()),
                    ConfigSetItem::from("two"),
                ],
            )
            .config("one", Config::new())
            .config(
                "two",
                Config::new().source("/opt", "https://example.com/a.zip"),
            )
            .authentication(
                "S3Creds",
                Credentials::s3()
                    .buckets(["my-bucket"])
                    .role_name(reference("InstanceRole")),
            )
            .authentication(
                "Web",
                Credentials::basic()
                    .username("u")
                    .password(reference("Password"))
                    .uris(["https://example.com"])
                    .access_key_id("unused")
                    .secret_key("unused"),
            );
        assert_eq!(
            Json::from(init),
            json!({
                "AWS::CloudFormation::Init": {
                    "configSets": {"base": ["one"], "full": [{"ConfigSet": "base"}, "two"]},
                    "one": {},
                    "two": {"sources": {"/opt": "https://example.com/a.zip"}}
                },
                "AWS::CloudFormation::Authentication": {
                    "S3Creds": {"type": "S3", "buckets": ["my-bucket"], "roleName": {"Ref": "InstanceRole"}},
                    "Web": {
                        "type": "basic",
                        "username": "u",
                        "password": {"Ref": "Password"},
                        "uris": ["https://example.com"],
                        "accessKeyId": "unused",
                        "secretKey": "unused"
                    }
                }
            })
        );
    }

    #[test]
    fn empty_configuration_is_empty_metadata() {
        assert_eq!(Json::from(Init::new()), json!({}));
    }

    #[cfg(feature = "ec2")]
    #[test]
    fn metadata_takes_it() {
        use crate::typed::{Attributes, ResourceType};
        let instance = crate::resources::ec2::Instance::new().metadata(
            Init::new().config("config", Config::new().command("a", Command::new("true"))),
        );
        assert_eq!(
            instance.resource().json_attributes().next(),
            Some((
                "Metadata",
                &json!({"AWS::CloudFormation::Init": {"config": {"commands": {"a": {"command": "true"}}}}})
            ))
        );
    }
}
