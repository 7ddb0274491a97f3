//! The process's heap in transparent huge pages, on Linux with glibc.
//!
//! Synthesizing a large stack is mostly a matter of filling fresh heap: `bench-500 synth` touches
//! about 2.6 MB of it, and every 4 KiB page touched for the first time is a page fault (about
//! 3 µs each on the project's machine, more than half the command's CPU time). A 2 MiB page
//! costs one fault. Unless its policy is `always`, Linux backs memory with 2 MiB pages only
//! where the process asks for them (`MADV_HUGEPAGE`), and glibc's heap does not ask (unless
//! told to by its `glibc.malloc.hugetlb` tunable).
//!
//! [`use_huge_pages`] asks for them for the heap beyond its first [`SMALL`] bytes, so a small
//! stack, whose heap stays within those, touches no 2 MiB page (under the `madvise` policy;
//! under `always` the kernel decides by itself). [`crate::run`] calls it before anything
//! else; a program that calls [`crate::execute`] itself may call it first thing in `main`.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

/// How much of the heap, from where [`use_huge_pages`] finds its end, stays in 4 KiB pages.
pub const SMALL: usize = 256 << 10;

/// Moves the heap into transparent huge pages: grows it by 16 MiB at once, asks the kernel to
/// back those with 2 MiB pages beyond the first [`SMALL`] bytes, has glibc serve blocks of up
/// to 16 MiB from the heap rather than from mappings of their own, and keeps up to 32 MiB of
/// freed heap rather than give it back. Returns the range given to huge pages. The heap grows
/// in 4 KiB pages again past those 16 MiB.
///
/// Returns `None`, changing nothing, on other systems, C libraries and architectures (those
/// whose huge pages are not 2 MiB over 4 KiB pages) and when called a second time. Returns
/// `None` with glibc's thresholds changed when the heap does not grow where it is called
/// (glibc serves threads other than the main one from arenas of their own: call it on the
/// main thread) or the kernel refuses the advice. Whether the kernel then uses 2 MiB pages is
/// its own policy (`/sys/kernel/mm/transparent_hugepage`).
/// Nothing is written to memory that glibc has not handed out, and no memory is freed that
/// the program holds, so nothing else changes: only where blocks lie and how the kernel backs
/// the pages.
///
/// ```
/// // `kumo_cli::run` calls it; a `main` that calls `kumo_cli::execute` may call it first.
/// let reserved = kumo_cli::heap::use_huge_pages();
/// if let Some(range) = reserved {
///     assert!(range.end - range.start >= 2 << 20);
/// }
/// ```
pub fn use_huge_pages() -> Option<Range<usize>> {
    static CALLED: AtomicBool = AtomicBool::new(false);
    if CALLED.swap(true, Ordering::SeqCst) {
        return None;
    }
    reserve()
}

/// Where the heap can be moved: glibc on Linux, on the architectures whose huge pages are 2 MiB
/// (with 4 KiB pages, which [`glibc::reserve`] checks).
#[cfg(all(
    target_os = "linux",
    target_env = "gnu",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
use glibc::reserve;

#[cfg(all(
    target_os = "linux",
    target_env = "gnu",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
mod glibc {
    use std::ops::Range;
    use std::ptr;
    use std::sync::atomic::{AtomicPtr, Ordering};

    use super::SMALL;

    /// The size of a transparent huge page over 4 KiB pages.
    const HUGE_PAGE: usize = 2 << 20;
    /// The size of a page that [`HUGE_PAGE`] holds for.
    const PAGE: libc::c_long = 4096;
    /// How far the heap grows at once, and the largest block glibc serves from it.
    const RESERVE: libc::c_int = 16 << 20;
    /// glibc's own top pad (`mallopt(3)`), put back once the heap has grown.
    const TOP_PAD: libc::c_int = 128 << 10;
    /// The free memory at the heap's end that glibc keeps rather than give back: more than
    /// the reserve, so that the advised heap is not cut short.
    const TRIM_THRESHOLD: libc::c_int = 2 * RESERVE;
    /// The blocks that use up the heap's free end until it grows.
    const STEP: usize = 4096;
    /// The block stretched up to where the heap's blocks are to start; held so that a leak
    /// checker sees it reachable.
    static STRETCHED: AtomicPtr<libc::c_void> = AtomicPtr::new(ptr::null_mut());

    /// See [`super::use_huge_pages`].
    pub(super) fn reserve() -> Option<Range<usize>> {
        // SAFETY: sysconf and mallopt take no pointers.
        let set = unsafe {
            libc::sysconf(libc::_SC_PAGESIZE) == PAGE
                && libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD) != 0
                && libc::mallopt(libc::M_MMAP_THRESHOLD, RESERVE) != 0
                && libc::mallopt(libc::M_TOP_PAD, RESERVE) != 0
        };
        if !set {
            return None;
        }
        let reserved = grow();
        // Other arenas (other threads' heaps) grow by what they need, as before.
        // SAFETY: as above.
        unsafe { libc::mallopt(libc::M_TOP_PAD, TOP_PAD) };
        reserved
    }

    /// Grows the heap (by the reserve, when that is glibc's top pad), advises it past
    /// [`SMALL`] bytes and has glibc's next blocks start there.
    fn grow() -> Option<Range<usize>> {
        // SAFETY: sbrk(0) only reads the program break; every block freed or resized here was
        // allocated here and is not used otherwise; madvise's range lies within the heap that
        // the program break bounds (the block that grew the heap lies just below the old
        // break, and the new break is above it), which glibc keeps (its trim threshold is
        // above the reserve) and nothing else maps.
        unsafe {
            // Take small blocks until the heap grows: the block that made it grow lies at its
            // old end, and glibc's next blocks come after it.
            let before = libc::sbrk(0) as usize;
            let mut taken = [ptr::null_mut(); 64];
            let mut grown = ptr::null_mut();
            for slot in &mut taken {
                let block = libc::malloc(STEP);
                if block.is_null() {
                    break;
                }
                if libc::sbrk(0) as usize != before {
                    grown = block;
                    break;
                }
                *slot = block;
            }
            for block in taken {
                libc::free(block);
            }
            if grown.is_null() {
                return None;
            }
            let end = libc::sbrk(0) as usize;
            let start = (grown as usize + STEP + SMALL).next_multiple_of(HUGE_PAGE);
            // Another thread may have grown the heap meanwhile, and this thread's block come
            // from an arena of its own: then the block is not where the heap grew.
            let at_the_break =
                (before.saturating_sub(2 * STEP)..before).contains(&(grown as usize));
            // Advice comes before anything touches the new memory: a 2 MiB stretch that a 4 KiB
            // page was faulted into stays in 4 KiB pages.
            if !at_the_break
                || start + HUGE_PAGE > end
                || libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE) != 0
            {
                libc::free(grown);
                return None;
            }
            // Stretch that block (in place: the heap's free end follows it) to end SMALL bytes
            // before the first huge page, so that the blocks the program takes next start
            // there, wherever the heap began. Its own pages stay untouched.
            let stretched = libc::realloc(grown, start - SMALL - grown as usize);
            if stretched.is_null() {
                libc::free(grown);
            } else {
                STRETCHED.store(stretched, Ordering::SeqCst);
            }
            Some(start..end)
        }
    }
}

#[cfg(not(all(
    target_os = "linux",
    target_env = "gnu",
    any(target_arch = "x86_64", target_arch = "aarch64")
)))]
fn reserve() -> Option<Range<usize>> {
    None
}
