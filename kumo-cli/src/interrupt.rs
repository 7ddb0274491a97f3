//! Ctrl-C during a command that talks to CloudFormation.
//!
//! Such a command listens for it from its start ([`listen`]). While a step that must not be cut
//! short holds a [`Guard`] (a change set made and not yet executed or deleted, an operation
//! being watched), Ctrl-C is counted for that step to act on at its next chance: delete the
//! change set, cancel the update, stop waiting; and no step that changes the stack starts after
//! it ([`Guard::stop_before`]). Anywhere else kumo stops at its next wait with exit code 130, as
//! the signal's default would, and so it does on the third Ctrl-C whatever it is doing.
//!
//! On Unix, SIGTERM (a CI job cancelled, a container stopped) is answered the same way, with
//! its own exit code (143). SIGHUP keeps its default: `nohup` ignores it, and a run kept alive
//! that way must not be cancelled when its terminal closes.

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Notify;

use crate::error::CliError;

/// The process's Ctrl-C presses and guards.
static PRESSES: Presses = Presses::new();

/// Ctrl-C presses, and the guards that answer them.
#[derive(Debug)]
struct Presses {
    /// How many times Ctrl-C was pressed.
    pressed: AtomicUsize,
    /// How many guards are held.
    guards: AtomicUsize,
    /// Wakes the guards' waits on each press.
    notify: Notify,
}

impl Presses {
    const fn new() -> Self {
        Presses {
            pressed: AtomicUsize::new(0),
            guards: AtomicUsize::new(0),
            notify: Notify::const_new(),
        }
    }

    /// Counts a press for the guards; `false` if no guard is held to answer it.
    fn press(&self) -> bool {
        if self.guards.load(Ordering::SeqCst) == 0 {
            return false;
        }
        self.pressed.fetch_add(1, Ordering::SeqCst);
        self.notify.notify_waiters();
        true
    }

    fn guard(&self) -> Guard<'_> {
        self.guards.fetch_add(1, Ordering::SeqCst);
        Guard {
            presses: self,
            answered: 0,
        }
    }
}

/// The Ctrl-C that stops kumo even while a guard is held: a person who presses that often
/// wants it to stop now.
const ENOUGH: usize = 3;

/// The exit code of a process stopped by SIGINT (Ctrl-C): 128 and its number.
const SIGINT_EXIT: i32 = 130;

/// The exit code of a process stopped by SIGTERM: 128 and its number.
#[cfg(unix)]
const SIGTERM_EXIT: i32 = 143;

/// Listens for Ctrl-C and SIGTERM for as long as the runtime runs it: counts either while a
/// guard is held, and exits the process with the signal's code otherwise, or on the third.
#[cfg(unix)]
pub async fn listen() {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut terminate) = signal(SignalKind::terminate()) else {
        return listen_for_ctrl_c().await;
    };
    let mut ctrl_c = true;
    loop {
        let code = tokio::select! {
            pressed = tokio::signal::ctrl_c(), if ctrl_c => match pressed {
                Ok(()) => SIGINT_EXIT,
                // Ctrl-C cannot be listened for; SIGTERM still is.
                Err(_) => {
                    ctrl_c = false;
                    continue;
                }
            },
            Some(()) = terminate.recv() => SIGTERM_EXIT,
            else => return,
        };
        answer(code);
    }
}

/// Listens for Ctrl-C for as long as the runtime runs it: counts it while a guard is held,
/// and exits the process with code 130 otherwise, or on the third.
#[cfg(not(unix))]
pub async fn listen() {
    listen_for_ctrl_c().await;
}

/// [`listen`] for Ctrl-C alone.
async fn listen_for_ctrl_c() {
    while tokio::signal::ctrl_c().await.is_ok() {
        answer(SIGINT_EXIT);
    }
}

/// Counts a signal for the guards, or exits with `code` when none is held or it is the third.
fn answer(code: i32) {
    if !PRESSES.press() || PRESSES.pressed.load(Ordering::SeqCst) >= ENOUGH {
        std::process::exit(code);
    }
}

/// A step that acts on Ctrl-C itself instead of being stopped by it. A Ctrl-C pressed before
/// the guard was taken counts too: once interrupted, no new step starts.
#[derive(Debug)]
pub struct Guard<'a> {
    presses: &'a Presses,
    /// The presses this guard has answered with [`Guard::next`].
    answered: usize,
}

impl Guard<'static> {
    /// Takes a guard: until it is dropped, Ctrl-C is this step's to act on.
    pub fn new() -> Self {
        PRESSES.guard()
    }
}

impl Guard<'_> {
    /// Whether Ctrl-C was pressed and not yet answered.
    pub fn interrupted(&self) -> bool {
        self.presses.pressed.load(Ordering::SeqCst) > self.answered
    }

    /// `Ok` unless Ctrl-C was pressed: then the step `what` of the stack `stack` (a delete, an
    /// update) is not started, and the error says so.
    pub fn stop_before(&self, stack: &str, what: &str) -> Result<(), CliError> {
        match self.interrupted() {
            true => Err(CliError::Deploy {
                stack: stack.to_owned(),
                message: format!("interrupted before {what}; it was not started"),
            }),
            false => Ok(()),
        }
    }

    /// Waits until Ctrl-C is pressed (returning at once if it was), answering nothing.
    pub async fn pressed(&self) {
        loop {
            let pressed = self.presses.notify.notified();
            let mut pressed = std::pin::pin!(pressed);
            pressed.as_mut().enable();
            if self.interrupted() {
                return;
            }
            pressed.await;
        }
    }

    /// Waits for a Ctrl-C not yet answered (returning at once if one was pressed already),
    /// and answers it.
    pub async fn next(&mut self) {
        self.pressed().await;
        self.answered = self.presses.pressed.load(Ordering::SeqCst);
    }
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        self.presses.guards.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_press_is_counted_only_while_a_guard_is_held_and_answered_once() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let presses = Presses::new();
        assert!(!presses.press(), "no guard: the process stops");
        let mut guard = presses.guard();
        assert!(!guard.interrupted());
        assert!(presses.press());
        assert!(guard.interrupted());
        runtime.block_on(guard.next());
        assert!(!guard.interrupted());
        let waited = runtime.block_on(async {
            tokio::time::timeout(std::time::Duration::from_millis(20), guard.next()).await
        });
        assert!(waited.is_err(), "no new press, no answer");
        let later = presses.guard();
        assert!(later.interrupted(), "a later guard sees the press");
        runtime.block_on(later.pressed());
        assert!(later.interrupted(), "waiting answers nothing");
        drop(later);
        drop(guard);
        assert!(!presses.press(), "every guard dropped");
    }

    #[test]
    fn after_a_press_no_step_starts() {
        let presses = Presses::new();
        let guard = presses.guard();
        assert!(guard.stop_before("jobs-dev", "deleting the stack").is_ok());
        presses.press();
        let later = presses.guard();
        assert_eq!(
            later
                .stop_before("jobs-dev", "deleting the stack")
                .unwrap_err()
                .to_string(),
            "stack `jobs-dev`: interrupted before deleting the stack; it was not started"
        );
    }
}
