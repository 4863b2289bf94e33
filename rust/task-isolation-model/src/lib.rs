// SPDX-License-Identifier: GPL-2.0
//! A model of the per-CPU state word through which other CPUs defer work
//! to an isolated CPU's next kernel entry (kernel/task_isolation_glue.c,
//! include/linux/task_isolation.h, include/linux/irq-entry-common.h).
//!
//! Each kernel operation is written once, with the memory orderings the
//! kernel uses, over loom's atomics; `tests/loom.rs` runs every
//! interleaving and every weak-memory outcome loom allows of a few CPUs
//! using them, and asserts what the protocol promises.  A [`Protocol`]
//! with a weaker ordering or a non-atomic step must fail those tests
//! (the "broken" cases), which shows that the model can fail.
//!
//! Mapping to the kernel:
//!
//! | model                    | kernel                                       |
//! |--------------------------|----------------------------------------------|
//! | [`Cpu::user_enter`]      | `task_isolation_user_enter()`: release store |
//! | [`Cpu::kernel_enter`]    | `task_isolation_kernel_enter()`: xchg, flush |
//! | [`Sender::defer`]        | `task_isolation_defer()` + slow path         |
//! | [`Sender::skips`]        | `task_isolation_cpu_in_user()` (stat_refresh) |
//! | [`Cpu::nmi_exit`]        | `task_isolation_user_restore()`              |
//! | `Sender::publish`        | the sender's stores (new text, new data)     |
//! | [`Cpu::flush`]           | `arch_task_isolation_flush()`                |
//! | [`Cpu::nmi_enter`]       | `task_isolation_nmi_enter()`: no hold wait   |
//! | [`Holder::hold`]         | `task_isolation_hold()` (stop_machine.c)     |
//! | [`Holder::run`]          | the stop's function, on another CPU          |
//! | [`Holder::release`]      | `task_isolation_release()`                   |

use loom::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use loom::sync::Arc;

/// `TASK_ISOLATION_USER`.
pub const USER: u32 = 1 << 0;
/// `TASK_ISOLATION_WORK_SYNC`.
pub const WORK_SYNC: u32 = 1 << 1;
/// A second kind of work, as a later patch adds (a TLB flush).
pub const WORK_TLB: u32 = 1 << 2;
/// `TASK_ISOLATION_HOLD`: stop_machine() holds the CPU in user mode.
pub const HOLD: u32 = 1 << 3;

/// The orderings and atomicity of one implementation of the protocol.
#[derive(Clone, Copy, Debug)]
pub struct Protocol {
    /// `task_isolation_user_enter()`'s store.
    pub exit_store: Ordering,
    /// `task_isolation_defer()`'s first load (plain in the kernel).
    pub sender_load: Ordering,
    /// `task_isolation_cpu_in_user()`'s load (acquire in the kernel).
    pub skip_load: Ordering,
    /// `__task_isolation_defer()`'s cmpxchg (fully ordered in the kernel).
    pub sender_rmw: Ordering,
    /// `task_isolation_kernel_enter()`'s xchg (fully ordered in the kernel).
    pub entry_rmw: Ordering,
    /// The sender adds its work with a load and a store instead of a
    /// cmpxchg (broken on purpose).
    pub sender_plain: bool,
    /// The entry clears the word with a load and a store instead of an
    /// xchg (broken on purpose).
    pub entry_plain: bool,
    /// `task_isolation_release()`'s store (release in the kernel).
    pub release_store: Ordering,
    /// The held entry's load of the count (acquire in the kernel).
    pub hold_load: Ordering,
    /// The holder sets the count after the HOLD bit instead of before
    /// (broken on purpose).
    pub hold_count_late: bool,
}

impl Protocol {
    /// What the kernel does.  AcqRel is what a fully ordered RMW gives
    /// for this protocol; the tests show it is enough.
    pub const KERNEL: Protocol = Protocol {
        exit_store: Ordering::Release,
        sender_load: Ordering::Relaxed,
        skip_load: Ordering::Acquire,
        sender_rmw: Ordering::AcqRel,
        entry_rmw: Ordering::AcqRel,
        sender_plain: false,
        entry_plain: false,
        release_store: Ordering::Release,
        hold_load: Ordering::Acquire,
        hold_count_late: false,
    };
}

/// What one CPU's state word and the kernel memory around it hold.
pub struct Shared {
    /// The isolated CPU's state word.
    pub state: AtomicU32,
    /// The patched text or data, as a version number: 0 old, 1 new.
    pub text: AtomicUsize,
    /// A second object, for the second kind of work.
    pub mapping: AtomicUsize,
    /// What the isolated CPU's quiesce folds before it goes to user mode
    /// (its vmstat diff): nonzero until folded.
    pub diff: AtomicUsize,
    /// `task_isolation_hold_count`: nonzero while a stop holds the CPU.
    pub hold_count: AtomicU32,
    /// What the stop's function writes: 0 before, 1 halfway, 2 done.
    pub section: AtomicUsize,
    /// The protocol under test.
    pub proto: Protocol,
}

impl Shared {
    /// A CPU in the kernel, about to return an isolated task to user
    /// mode, with old text and an unfolded counter.
    pub fn new(proto: Protocol) -> Arc<Shared> {
        Arc::new(Shared {
            state: AtomicU32::new(0),
            text: AtomicUsize::new(0),
            mapping: AtomicUsize::new(0),
            diff: AtomicUsize::new(1),
            hold_count: AtomicU32::new(0),
            section: AtomicUsize::new(0),
            proto,
        })
    }
}

/// The isolated CPU: what it last synchronized with.
pub struct Cpu {
    shared: Arc<Shared>,
    /// The text version its instruction stream is synchronized with.
    pub fetched_text: usize,
    /// The mapping version its TLB holds.
    pub fetched_mapping: usize,
}

impl Cpu {
    /// The isolated CPU, synchronized with the old text and mapping.
    pub fn new(shared: Arc<Shared>) -> Cpu {
        Cpu {
            shared,
            fetched_text: 0,
            fetched_mapping: 0,
        }
    }

    /// The quiesce: fold the counter (a plain store, as the vmstat fold
    /// is), then `task_isolation_user_enter()`.
    pub fn user_enter(&mut self) {
        let s = &self.shared;
        s.diff.store(0, Ordering::Relaxed);
        s.state.store(USER, s.proto.exit_store);
    }

    /// `task_isolation_kernel_enter()`: clear the word, wait while a
    /// stop holds the CPU, flush its work.  Returns the old word.
    pub fn kernel_enter(&mut self) -> u32 {
        self.enter(false)
    }

    /// `task_isolation_nmi_enter()`: the same without the wait.
    pub fn nmi_enter(&mut self) -> u32 {
        self.enter(true)
    }

    fn enter(&mut self, nmi: bool) -> u32 {
        let s = &self.shared;
        let old = if s.proto.entry_plain {
            let old = s.state.load(s.proto.entry_rmw_load());
            s.state.store(0, Ordering::Release);
            old
        } else {
            s.state.swap(0, s.proto.entry_rmw)
        };
        if old & HOLD != 0 && !nmi {
            while s.hold_count.load(s.proto.hold_load) != 0 {
                loom::thread::yield_now();
            }
        }
        self.flush(old);
        old
    }

    /// The end of an NMI taken in user mode while a stop held the CPU:
    /// `task_isolation_nmi_restore()` puts HOLD | SYNC back, no USER.
    pub fn nmi_exit_held(&mut self, old: u32) {
        if old & HOLD != 0 {
            self.shared
                .state
                .store(HOLD | WORK_SYNC, self.shared.proto.exit_store);
        }
    }

    /// What kernel code on this CPU reads of the stop's data.
    pub fn read_section(&self) -> usize {
        self.shared.section.load(Ordering::Relaxed)
    }

    /// The end of an NMI that came from the exit or the entry window:
    /// `task_isolation_user_restore()`.
    pub fn nmi_exit(&mut self) {
        self.shared.state.store(USER, self.shared.proto.exit_store);
    }

    /// `arch_task_isolation_flush()`: a sync_core()/ISB makes the
    /// instruction stream what this CPU's loads see; a TLB flush the same
    /// for the mapping.
    pub fn flush(&mut self, work: u32) {
        if work & WORK_SYNC != 0 {
            self.fetched_text = self.shared.text.load(Ordering::Relaxed);
        }
        if work & WORK_TLB != 0 {
            self.fetched_mapping = self.shared.mapping.load(Ordering::Relaxed);
        }
    }

    /// An IPI taken in the kernel: the sender's function runs here.
    pub fn take_ipi(&mut self, work: u32) {
        self.flush(work);
    }
}

impl Protocol {
    fn entry_rmw_load(&self) -> Ordering {
        match self.entry_rmw {
            Ordering::AcqRel | Ordering::SeqCst => Ordering::Acquire,
            o => o,
        }
    }
}

/// The outcome of one sender's `task_isolation_defer()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sent {
    /// Work left in the word: no IPI.  Carries the folded counter the
    /// sender read after it saw the CPU in user mode.
    Deferred { diff: usize },
    /// The sender must send its IPI.
    Ipi,
}

/// A CPU that changes text or a mapping and then needs the isolated CPU
/// to synchronize with it.
pub struct Sender {
    shared: Arc<Shared>,
}

impl Sender {
    /// A sender for `shared`'s CPU.
    pub fn new(shared: Arc<Shared>) -> Sender {
        Sender { shared }
    }

    /// The sender's stores: the new text (`WORK_SYNC`) or mapping
    /// (`WORK_TLB`).
    pub fn publish(&self, work: u32) {
        if work & WORK_SYNC != 0 {
            self.shared.text.store(1, Ordering::Relaxed);
        }
        if work & WORK_TLB != 0 {
            self.shared.mapping.store(1, Ordering::Relaxed);
        }
    }

    /// stat_refresh's test: `Some(diff)` when the CPU runs in user mode
    /// (it is skipped), with the counter the refresh then relies on.
    pub fn skips(&self) -> Option<usize> {
        let s = &self.shared;
        if s.state.load(s.proto.skip_load) & USER == 0 {
            return None;
        }
        Some(s.diff.load(Ordering::Relaxed))
    }

    /// `task_isolation_defer()` and `__task_isolation_defer()`.
    pub fn defer(&self, work: u32) -> Sent {
        let s = &self.shared;
        let mut old = s.state.load(s.proto.sender_load);
        loop {
            if old & USER == 0 {
                return Sent::Ipi;
            }
            if s.proto.sender_plain {
                s.state.store(old | work, Ordering::Release);
                break;
            }
            match s
                .state
                .compare_exchange(old, old | work, s.proto.sender_rmw, Ordering::Relaxed)
            {
                Ok(_) => break,
                Err(cur) => old = cur,
            }
        }
        Sent::Deferred {
            diff: s.diff.load(Ordering::Relaxed),
        }
    }
}

/// A stop_machine() that holds the isolated CPU in user mode instead of
/// stopping it: every other CPU already spins in the stopper.
pub struct Holder {
    shared: Arc<Shared>,
}

impl Holder {
    /// A stop for `shared`'s CPU.
    pub fn new(shared: Arc<Shared>) -> Holder {
        Holder { shared }
    }

    /// `task_isolation_hold()`: the count, then HOLD | SYNC with USER.
    /// False if the CPU was not in user mode (it takes part instead).
    pub fn hold(&self) -> bool {
        let s = &self.shared;
        if !s.proto.hold_count_late {
            s.hold_count.store(1, Ordering::Relaxed);
        }
        let mut old = s.state.load(Ordering::Relaxed);
        loop {
            if old & USER == 0 {
                s.hold_count.store(0, Ordering::Relaxed);
                return false;
            }
            match s.state.compare_exchange(
                old,
                old | HOLD | WORK_SYNC,
                s.proto.sender_rmw,
                Ordering::Relaxed,
            ) {
                Ok(_) => break,
                Err(cur) => old = cur,
            }
        }
        if s.proto.hold_count_late {
            s.hold_count.store(1, Ordering::Relaxed);
        }
        true
    }

    /// The stop's function: new text, and data with a halfway state.
    pub fn run(&self) {
        let s = &self.shared;
        s.section.store(1, Ordering::Relaxed);
        s.text.store(1, Ordering::Relaxed);
        s.section.store(2, Ordering::Relaxed);
    }

    /// `task_isolation_release()`.
    pub fn release(&self) {
        let s = &self.shared;
        s.hold_count.store(0, s.proto.release_store);
    }
}
