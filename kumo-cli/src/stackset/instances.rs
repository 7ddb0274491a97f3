//! A stack set's instances: those kumo.toml asks for, those deployed, what differs, and the
//! calls that bring one to the other (each call takes targets × regions and one set of
//! parameter overrides, so instances are grouped into such batches).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::settings::StackSetSettings;
use crate::ui::Style;

/// Parameter values of one instance over the stack set's, by name.
pub type Overrides = BTreeMap<String, String>;

/// One instance: a target (an account, or an organizational unit of a service-managed set) and
/// a region.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instance {
    /// The account or organizational unit.
    pub target: String,
    /// The region.
    pub region: String,
}

impl fmt::Display for Instance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.target, self.region)
    }
}

/// The instances `settings` ask for, each with its overrides (later entries winning).
pub fn wanted(settings: &StackSetSettings) -> BTreeMap<Instance, Overrides> {
    let mut wanted = BTreeMap::new();
    for target in settings.permission.targets() {
        for region in &settings.regions {
            let mut overrides = Overrides::new();
            for o in &settings.overrides {
                let applies = (o.targets.is_empty() || o.targets.contains(target))
                    && (o.regions.is_empty() || o.regions.contains(region));
                if applies {
                    overrides.extend(o.parameters.clone());
                }
            }
            let instance = Instance {
                target: target.clone(),
                region: region.clone(),
            };
            wanted.insert(instance, overrides);
        }
    }
    wanted
}

/// What it takes to bring the deployed instances to the wanted ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InstanceChanges {
    /// Instances to create, with their overrides.
    pub add: BTreeMap<Instance, Overrides>,
    /// Instances to delete (with their stacks and resources).
    pub remove: BTreeSet<Instance>,
    /// Instances whose overrides change, with the new ones.
    pub update: BTreeMap<Instance, Overrides>,
    /// The parameters whose value an instance's overrides change (one set, changed, or no
    /// longer set), with the instances (that stay) where they do.
    pub overridden: BTreeMap<String, BTreeSet<Instance>>,
}

impl InstanceChanges {
    /// The changes from `deployed` to `wanted`.
    pub fn between(
        deployed: &BTreeMap<Instance, Overrides>,
        wanted: &BTreeMap<Instance, Overrides>,
    ) -> InstanceChanges {
        let mut changes = InstanceChanges::default();
        for (instance, overrides) in wanted {
            match deployed.get(instance) {
                None => {
                    changes.add.insert(instance.clone(), overrides.clone());
                }
                Some(had) if had != overrides => {
                    let names = had.keys().chain(overrides.keys());
                    for name in names.filter(|name| had.get(*name) != overrides.get(*name)) {
                        let instances = changes.overridden.entry(name.clone()).or_default();
                        instances.insert(instance.clone());
                    }
                    changes.update.insert(instance.clone(), overrides.clone());
                }
                Some(_) => {}
            }
        }
        changes.remove = deployed
            .keys()
            .filter(|i| !wanted.contains_key(*i))
            .cloned()
            .collect();
        changes
    }

    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.remove.is_empty() && self.update.is_empty()
    }

    /// One line per change: `+ instance 111111111111/eu-west-1`, `- ...`, `~ ... (Size=3)`.
    pub fn lines(&self) -> Vec<(Style, String)> {
        let shown = |overrides: &Overrides| {
            if overrides.is_empty() {
                String::new()
            } else {
                let pairs: Vec<String> =
                    overrides.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!(" ({})", pairs.join(", "))
            }
        };
        let mut lines = Vec::new();
        for (instance, overrides) in &self.add {
            lines.push((
                Style::Good,
                format!("+ instance {instance}{}", shown(overrides)),
            ));
        }
        for instance in &self.remove {
            lines.push((Style::Bad, format!("- instance {instance}")));
        }
        for (instance, overrides) in &self.update {
            let now = if overrides.is_empty() {
                " (no overrides)".to_owned()
            } else {
                shown(overrides)
            };
            lines.push((Style::Changed, format!("~ instance {instance}{now}")));
        }
        lines
    }
}

/// One call's worth of instances: every target in every region, with the same overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The accounts or organizational units.
    pub targets: Vec<String>,
    /// The regions.
    pub regions: Vec<String>,
    /// The overrides of all of them.
    pub overrides: Overrides,
}

/// `instances` grouped into as few batches as their overrides and regions allow: by overrides,
/// then targets with the same regions together.
pub fn batches<'a>(
    instances: impl IntoIterator<Item = (&'a Instance, &'a Overrides)>,
) -> Vec<Batch> {
    let mut by_overrides: BTreeMap<&Overrides, BTreeMap<&str, Vec<String>>> = BTreeMap::new();
    for (instance, overrides) in instances {
        by_overrides
            .entry(overrides)
            .or_default()
            .entry(&instance.target)
            .or_default()
            .push(instance.region.clone());
    }
    let mut batches = Vec::new();
    for (overrides, targets) in by_overrides {
        let mut by_regions: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
        for (target, mut regions) in targets {
            regions.sort();
            by_regions
                .entry(regions)
                .or_default()
                .push(target.to_owned());
        }
        for (regions, targets) in by_regions {
            batches.push(Batch {
                targets,
                regions,
                overrides: overrides.clone(),
            });
        }
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(target: &str, region: &str) -> Instance {
        Instance {
            target: target.to_owned(),
            region: region.to_owned(),
        }
    }

    fn values(pairs: &[(&str, &str)]) -> Overrides {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn overrides_apply_to_what_they_name_and_later_ones_win() {
        let settings: StackSetSettings = toml::from_str(
            "accounts = [\"111111111111\", \"222222222222\"]\nregions = [\"us-east-1\", \"eu-west-1\"]\n[[overrides]]\nparameters = { Size = \"2\", Tier = \"a\" }\n[[overrides]]\naccounts = [\"222222222222\"]\nregions = [\"eu-west-1\"]\nparameters = { Size = \"3\" }\n",
        )
        .unwrap();
        let wanted = wanted(&settings);
        assert_eq!(wanted.len(), 4);
        assert_eq!(
            wanted[&at("222222222222", "eu-west-1")],
            values(&[("Size", "3"), ("Tier", "a")])
        );
        assert_eq!(
            wanted[&at("111111111111", "eu-west-1")],
            values(&[("Size", "2"), ("Tier", "a")])
        );
    }

    #[test]
    fn changes_say_what_to_add_remove_and_update() {
        let deployed = BTreeMap::from([
            (at("1", "us-east-1"), values(&[])),
            (at("1", "eu-west-1"), values(&[("Size", "2")])),
            (at("2", "us-east-1"), values(&[])),
        ]);
        let wanted = BTreeMap::from([
            (at("1", "us-east-1"), values(&[])),
            (at("1", "eu-west-1"), values(&[])),
            (at("3", "us-east-1"), values(&[("Size", "9")])),
        ]);
        let changes = InstanceChanges::between(&deployed, &wanted);
        let lines: Vec<String> = changes.lines().into_iter().map(|(_, l)| l).collect();
        assert_eq!(
            lines,
            [
                "+ instance 3/us-east-1 (Size=9)",
                "- instance 2/us-east-1",
                "~ instance 1/eu-west-1 (no overrides)"
            ]
        );
        assert!(InstanceChanges::between(&wanted, &wanted).is_empty());
        let size = BTreeSet::from([at("1", "eu-west-1")]);
        assert_eq!(
            changes.overridden,
            BTreeMap::from([("Size".to_owned(), size)])
        );
        let had = values(&[("A", "1"), ("B", "2")]);
        let deployed = BTreeMap::from([
            (at("1", "us-east-1"), had.clone()),
            (at("2", "us-east-1"), had),
        ]);
        let wanted = BTreeMap::from([
            (at("1", "us-east-1"), values(&[("A", "1"), ("C", "3")])),
            (at("2", "us-east-1"), values(&[("A", "1"), ("B", "5")])),
        ]);
        let changes = InstanceChanges::between(&deployed, &wanted);
        let overridden: Vec<(&str, usize)> = changes
            .overridden
            .iter()
            .map(|(name, instances)| (name.as_str(), instances.len()))
            .collect();
        assert_eq!(
            overridden,
            [("B", 2), ("C", 1)],
            "changed, removed and added"
        );
    }

    #[test]
    fn batches_group_targets_with_the_same_regions_and_overrides() {
        let none = values(&[]);
        let big = values(&[("Size", "3")]);
        let instances = [
            (at("1", "us-east-1"), none.clone()),
            (at("1", "eu-west-1"), none.clone()),
            (at("2", "eu-west-1"), none.clone()),
            (at("2", "us-east-1"), none.clone()),
            (at("3", "us-east-1"), none.clone()),
            (at("3", "eu-west-1"), big.clone()),
        ];
        let found = batches(instances.iter().map(|(i, o)| (i, o)));
        let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            found,
            [
                Batch {
                    targets: strings(&["1", "2"]),
                    regions: strings(&["eu-west-1", "us-east-1"]),
                    overrides: none.clone(),
                },
                Batch {
                    targets: strings(&["3"]),
                    regions: strings(&["us-east-1"]),
                    overrides: none,
                },
                Batch {
                    targets: strings(&["3"]),
                    regions: strings(&["eu-west-1"]),
                    overrides: big,
                },
            ]
        );
    }
}
