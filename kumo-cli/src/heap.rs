//! The process's heap in transparent huge pages, on Linux with glibc.
//!
//! Synthesizing a large stack is mostly a matter of filling fresh heap: `bench-500 synth` touches
//! about 2.6 MB of it, and every 4 KiB page touched for the first time is a page fault (about
//! 3 µs each on the project's machine, more than half the command's CPU time). A 2 MiB page
//! costs one fault. Unless its policy is `always`, Linux backs memory with 2 MiB pages only
//! where the process asks for them (`MADV_HUGEPAGE`), and glibc's heap does not ask.
//!
//! [`use_huge_pages`] asks for them for the heap beyond its first [`SMALL`] bytes, so a small
//! stack, whose heap stays within those, touches no 2 MiB page at all. [`crate::run`] calls it
//! before anything else; a program that calls [`crate::execute`] itself may call it first
//! thing in `main`.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

/// How much of the heap, from where [`use_huge_pages`] finds its end, stays in 4 KiB pages.
pub const SMALL: usize = 256 << 10;

/// Moves the rest of the heap into transparent huge pages: reserves 16 MiB of heap at once,
/// asks the kernel to back it with 2 MiB pages beyond the first [`SMALL`] bytes, and has glibc
/// serve blocks of up to 16 MiB from the heap rather than from their own mappings. Returns the
/// range given to huge pages.
///
/// Returns `None` on other systems or C libraries and when called a second time, changing
/// nothing; and when the heap does not grow (glibc serves threads other than the main one from
/// arenas of their own) or the kernel refuses the advice, with glibc's two settings changed
/// all the same. Whether the kernel then uses 2 MiB pages is its own policy
/// (`/sys/kernel/mm/transparent_hugepage`).
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

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn reserve() -> Option<Range<usize>> {
    use std::ptr;
    use std::sync::atomic::AtomicPtr;

    /// The size of a transparent huge page on x86_64 and aarch64 (with 4 KiB base pages).
    const HUGE_PAGE: usize = 2 << 20;
    /// How far the heap grows at once, and the largest block glibc serves from it.
    const RESERVE: libc::c_int = 16 << 20;
    /// The blocks that use up the heap's free end until it grows.
    const STEP: usize = 4096;
    /// The block stretched up to where the heap's blocks are to start; held so that a leak
    /// checker sees it reachable.
    static STRETCHED: AtomicPtr<libc::c_void> = AtomicPtr::new(ptr::null_mut());

    // SAFETY: mallopt, sbrk(0) (which only reads the program break), malloc, free, realloc and
    // madvise are called as their manuals allow: every block freed or resized here was
    // allocated here and is not used otherwise, and madvise's range lies within the heap that
    // the program break bounds, which glibc keeps (its top pad is the reserve) and nothing
    // else maps.
    unsafe {
        if libc::mallopt(libc::M_TOP_PAD, RESERVE) == 0
            || libc::mallopt(libc::M_MMAP_THRESHOLD, RESERVE) == 0
        {
            return None;
        }
        // Take small blocks until the heap grows: the block that made it grow lies at its old
        // end, and glibc's next blocks come after it.
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
        // Advice comes before anything touches the new memory: a 2 MiB stretch that a 4 KiB
        // page was faulted into stays in 4 KiB pages.
        if start + HUGE_PAGE > end
            || libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE) != 0
        {
            libc::free(grown);
            return None;
        }
        // Stretch that block (in place: the heap's free end follows it) to end SMALL bytes
        // before the first huge page, so that the blocks the program takes next start there,
        // wherever the heap began. Its own pages stay untouched.
        let stretched = libc::realloc(grown, start - SMALL - grown as usize);
        if stretched.is_null() {
            libc::free(grown);
        } else {
            STRETCHED.store(stretched, Ordering::SeqCst);
        }
        Some(start..end)
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn reserve() -> Option<Range<usize>> {
    None
}
