//! `kumo_cli::heap::use_huge_pages` on the main thread, whose heap it works on (glibc serves
//! other threads, such as those of the test harness, from arenas of their own): so this test
//! is its own `main`.

fn main() {
    #[cfg(all(
        target_os = "linux",
        target_env = "gnu",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ))]
    linux::huge_pages_past_the_small_stretch();
    #[cfg(not(all(
        target_os = "linux",
        target_env = "gnu",
        any(target_arch = "x86_64", target_arch = "aarch64")
    )))]
    assert_eq!(kumo_cli::heap::use_huge_pages(), None);
    println!("test heap ... ok");
}

#[cfg(all(
    target_os = "linux",
    target_env = "gnu",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
mod linux {
    use std::fs;
    use std::ops::Range;

    use kumo_cli::heap::{use_huge_pages, SMALL};

    /// The kernel's transparent huge page policy, when it has them: `always`, `madvise` or
    /// `never`.
    fn policy() -> Option<String> {
        let setting = fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled").ok()?;
        let chosen = setting.split_once('[')?.1.split_once(']')?.0;
        Some(chosen.to_owned())
    }

    /// The mapping of `/proc/self/smaps` that holds `address`: its header line and fields.
    fn mapping(address: usize) -> Vec<String> {
        let smaps = fs::read_to_string("/proc/self/smaps").expect("reading /proc/self/smaps");
        let mut lines = Vec::new();
        let mut inside = false;
        for line in smaps.lines() {
            let range = line.split_whitespace().next().and_then(|first| {
                let (start, end) = first.split_once('-')?;
                Some(usize::from_str_radix(start, 16).ok()?..usize::from_str_radix(end, 16).ok()?)
            });
            // A mapping's header begins with its range; its fields begin with their names.
            if let Some(range) = range {
                if inside {
                    break;
                }
                inside = range.contains(&address);
            }
            if inside {
                lines.push(line.to_owned());
            }
        }
        lines
    }

    /// How often the kernel has fallen back to 4 KiB pages where it would have used a huge
    /// page, by `/proc/vmstat`.
    fn fallbacks() -> u64 {
        let stats = fs::read_to_string("/proc/vmstat").unwrap_or_default();
        stats
            .lines()
            .filter(|line| line.starts_with("thp_fault_fallback"))
            .filter_map(|line| line.split_whitespace().nth(1)?.parse::<u64>().ok())
            .sum()
    }

    /// The kilobytes a mapping's field gives (`Rss`, `AnonHugePages`).
    fn kilobytes(mapping: &[String], field: &str) -> usize {
        mapping
            .iter()
            .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|rest| rest.trim().strip_suffix(" kB")?.parse().ok())
            .unwrap_or_else(|| panic!("no {field} in {mapping:#?}"))
    }

    pub fn huge_pages_past_the_small_stretch() {
        let Some(policy) = policy() else {
            // A kernel without transparent huge pages refuses the advice; one whose /sys is
            // hidden (some containers) may take it.
            let _ = use_huge_pages();
            return;
        };
        let Range { start, end } = use_huge_pages().expect("the main thread's heap is reserved");
        assert_eq!(start % (2 << 20), 0, "huge pages start on a 2 MiB boundary");
        assert!(
            end - start >= 2 << 20,
            "{start:#x}..{end:#x} holds a huge page"
        );
        assert_eq!(use_huge_pages(), None, "a second call changes nothing");

        let advised = mapping(start);
        let flags = advised
            .iter()
            .find_map(|line| line.strip_prefix("VmFlags:"))
            .expect("the mapping's flags");
        assert!(
            flags.split_whitespace().any(|flag| flag == "hg"),
            "the heap past the small stretch is advised for huge pages: {advised:#?}"
        );

        // The next block glibc takes from the heap's free end begins the small stretch, and
        // one larger than that stretch reaches into the huge pages. 4 MiB is more than the
        // small blocks taken and freed on the way could serve.
        let mut block = vec![1u8; 4 << 20];
        let at = block.as_ptr() as usize;
        assert!(
            (start - SMALL..start).contains(&at),
            "the block at {at:#x} begins {SMALL} bytes before {start:#x}"
        );
        let fell_back = fallbacks();
        block.iter_mut().step_by(4096).for_each(|byte| *byte = 2);
        let touched = mapping(start);
        assert!(kilobytes(&touched, "Rss") >= 2048, "{touched:#?}");
        // The kernel may have no free 2 MiB of memory at hand, or be told not to use huge
        // pages for this process or size: then it counts a fallback or says the mapping is
        // not eligible.
        let eligible = touched
            .iter()
            .filter_map(|line| line.strip_prefix("THPeligible:"))
            .any(|flag| flag.trim() == "1");
        if policy != "never" && eligible && fallbacks() == fell_back {
            assert!(
                kilobytes(&touched, "AnonHugePages") >= 2048,
                "the kernel ({policy}) backs the touched heap with a huge page: {touched:#?}"
            );
        }
        std::hint::black_box(block);
    }
}
