// SPDX-License-Identifier: GPL-2.0
//! Every interleaving of the deferral protocol, run by loom.
//!
//! The promises checked, each for every execution loom finds:
//! 1. A sender that deferred never has to interrupt the CPU: the CPU's
//!    next entry flushes the work, and what the CPU runs after that entry
//!    is the new text (or mapping).
//! 2. Work is never lost, also when two senders defer at once or the CPU
//!    goes round the exit/entry cycle again.
//! 3. A sender that defers saw the CPU's quiesce (the folded counter).
//! 4. A sender that did not defer sends an IPI, which the CPU takes in
//!    the kernel or in user mode (a break), and no work is left in the
//!    word of a CPU that runs in the kernel.
//! 5. An NMI-like entry in the windows of the exit and the entry keeps
//!    1-4.
//! 6. A stop_machine() that holds the CPU: kernel code on the CPU never
//!    overlaps the stop's function (never sees its halfway state), and
//!    after a held entry sees all of it, the new text included; an NMI
//!    does not wait but the entry after it does.

use loom::sync::Arc;
use loom::thread;
use task_isolation_model::{
    Cpu, Holder, Protocol, Sender, Sent, Shared, HOLD, WORK_SYNC, WORK_TLB,
};

/// A sender on another CPU: publishes `work`'s new data, then defers or
/// asks for an IPI.
fn spawn_sender(shared: &Arc<Shared>, work: u32) -> thread::JoinHandle<Sent> {
    let sender = Sender::new(shared.clone());
    thread::spawn(move || {
        sender.publish(work);
        sender.defer(work)
    })
}

/// One exit to user mode and one entry of the isolated CPU, against one
/// sender of `work`; asserts promises 1, 3 (if `quiesce`) and 4.
fn one_sender(proto: Protocol, work: u32) {
    sender_against_cpu(proto, work, true)
}

fn sender_against_cpu(proto: Protocol, work: u32, quiesce: bool) {
    loom::model(move || {
        let shared = Shared::new(proto);
        let s = spawn_sender(&shared, work);

        let mut cpu = Cpu::new(shared.clone());
        cpu.user_enter();
        // user mode: no kernel code runs
        let old = cpu.kernel_enter();
        let sent = s.join().unwrap();
        match sent {
            Sent::Deferred { diff } => {
                if quiesce {
                    assert_eq!(diff, 0, "a sender deferred before the quiesce was visible");
                }
                assert_eq!(
                    old & work,
                    work,
                    "deferred work was not flushed by the entry"
                );
                if work & WORK_SYNC != 0 {
                    assert_eq!(cpu.fetched_text, 1, "the entry ran the old text");
                }
                if work & WORK_TLB != 0 {
                    assert_eq!(cpu.fetched_mapping, 1, "the entry used the old mapping");
                }
            }
            Sent::Ipi => {
                assert_eq!(old & work, 0, "work deferred and sent as an IPI");
                cpu.take_ipi(work);
                assert_eq!(cpu.fetched_text, (work & WORK_SYNC != 0) as usize);
            }
        }
        assert_eq!(
            shared.state.load(loom::sync::atomic::Ordering::Relaxed),
            0,
            "work left in the word of a CPU in the kernel"
        );
    });
}

#[test]
fn sync_deferred_or_sent() {
    one_sender(Protocol::KERNEL, WORK_SYNC);
}

#[test]
fn tlb_deferred_or_sent() {
    one_sender(Protocol::KERNEL, WORK_TLB);
}

/// Two senders of different work at once: neither is lost (promise 2).
#[test]
fn two_senders_lose_nothing() {
    two_senders(Protocol::KERNEL);
}

fn two_senders(proto: Protocol) {
    loom::model(move || {
        let shared = Shared::new(proto);
        let a = spawn_sender(&shared, WORK_SYNC);
        let b = spawn_sender(&shared, WORK_TLB);
        let mut cpu = Cpu::new(shared.clone());
        cpu.user_enter();
        let old = cpu.kernel_enter();
        for (t, work) in [(a, WORK_SYNC), (b, WORK_TLB)] {
            match t.join().unwrap() {
                Sent::Deferred { .. } => {
                    assert_eq!(old & work, work, "a concurrent deferral was lost")
                }
                Sent::Ipi => assert_eq!(old & work, 0),
            }
        }
        if old & WORK_SYNC != 0 {
            assert_eq!(cpu.fetched_text, 1);
        }
        if old & WORK_TLB != 0 {
            assert_eq!(cpu.fetched_mapping, 1);
        }
    });
}

/// The CPU goes to user mode twice; the work is flushed by the entry that
/// follows the deferral, and the second exit starts from a clean word
/// (promise 2).
#[test]
fn two_rounds() {
    loom::model(|| {
        let shared = Shared::new(Protocol::KERNEL);
        let s = spawn_sender(&shared, WORK_SYNC);
        let mut cpu = Cpu::new(shared.clone());
        cpu.user_enter();
        let first = cpu.kernel_enter();
        cpu.user_enter();
        let second = cpu.kernel_enter();
        let sent = s.join().unwrap();
        assert_eq!(first & second & WORK_SYNC, 0, "work flushed twice");
        match sent {
            Sent::Deferred { .. } => {
                assert_ne!((first | second) & WORK_SYNC, 0, "deferred work lost");
                assert_eq!(cpu.fetched_text, 1);
            }
            Sent::Ipi => assert_eq!((first | second) & WORK_SYNC, 0),
        }
    });
}

/// An NMI in the exit window (after the store, before user mode) or in
/// the entry window (before the xchg): it clears the word and flushes,
/// and its exit stores USER again; the entry that follows flushes what
/// came after, and nothing is lost (promise 5).
#[test]
fn nmi_in_the_windows() {
    loom::model(|| {
        let shared = Shared::new(Protocol::KERNEL);
        let s = spawn_sender(&shared, WORK_SYNC);
        let mut cpu = Cpu::new(shared.clone());
        cpu.user_enter();
        let nmi = cpu.kernel_enter(); // the NMI, in the exit window
        cpu.nmi_exit();
        let entry = cpu.kernel_enter(); // the next entry
        let sent = s.join().unwrap();
        if let Sent::Deferred { .. } = sent {
            assert_eq!(
                (nmi | entry) & WORK_SYNC,
                WORK_SYNC,
                "deferred work lost across the NMI"
            );
            assert_eq!(cpu.fetched_text, 1, "old text after the NMI");
        }
        assert_eq!(
            shared.state.load(loom::sync::atomic::Ordering::Relaxed),
            0,
            "work left in the word of a CPU in the kernel"
        );
    });
}

/// stat_refresh skips the CPU only when it saw the CPU in user mode, and
/// then reads the folded counter (promise 3, for the acquire load).
fn skip(proto: Protocol) {
    loom::model(move || {
        let shared = Shared::new(proto);
        let sender = Sender::new(shared.clone());
        let s = thread::spawn(move || sender.skips());
        let mut cpu = Cpu::new(shared.clone());
        cpu.user_enter();
        if let Some(diff) = s.join().unwrap() {
            assert_eq!(diff, 0, "stat_refresh skipped a CPU with an unfolded diff");
        }
    });
}

#[test]
fn stat_refresh_skip_sees_the_fold() {
    skip(Protocol::KERNEL);
}

/// A stop on another CPU against the CPU's exit to user mode and its
/// next entry, or an NMI in user mode and then an entry (promise 6).
fn hold(proto: Protocol, nmi: bool) {
    loom::model(move || {
        let shared = Shared::new(proto);
        let holder = Holder::new(shared.clone());
        let stop = thread::spawn(move || {
            let held = holder.hold();
            if held {
                holder.run();
                holder.release();
            }
            held
        });
        let mut cpu = Cpu::new(shared.clone());
        cpu.user_enter();
        let mut old = 0;
        if nmi {
            old = cpu.nmi_enter();
            cpu.nmi_exit_held(old);
        }
        old |= cpu.kernel_enter();
        let seen = cpu.read_section();
        assert_ne!(seen, 1, "kernel code overlapped the stop's function");
        if old & HOLD != 0 {
            assert_eq!(seen, 2, "a held entry missed the stop's stores");
            assert_eq!(cpu.fetched_text, 1, "a held entry ran the old text");
        }
        let held = stop.join().unwrap();
        assert_eq!(held, old & HOLD != 0, "a hold that no entry saw");
    });
}

#[test]
fn stop_machine_hold() {
    hold(Protocol::KERNEL, false);
}

#[test]
fn stop_machine_hold_nmi_does_not_wait() {
    hold(Protocol::KERNEL, true);
}

// The broken protocols: each must make a promise fail, which shows that
// the checks above can fail.

#[test]
#[should_panic(expected = "kernel code overlapped the stop's function")]
fn broken_relaxed_release_overlaps_the_stop() {
    let proto = Protocol {
        release_store: loom::sync::atomic::Ordering::Relaxed,
        ..Protocol::KERNEL
    };
    hold(proto, false);
}

#[test]
#[should_panic(expected = "a held entry missed the stop's stores")]
fn broken_late_count_misses_the_stop() {
    let proto = Protocol {
        hold_count_late: true,
        ..Protocol::KERNEL
    };
    hold(proto, false);
}

#[test]
#[should_panic(expected = "the entry ran the old text")]
fn broken_relaxed_sender_rmw_runs_old_text() {
    let proto = Protocol {
        sender_rmw: loom::sync::atomic::Ordering::Relaxed,
        ..Protocol::KERNEL
    };
    sender_against_cpu(proto, WORK_SYNC, false);
}

#[test]
#[should_panic(expected = "the entry ran the old text")]
fn broken_relaxed_entry_rmw_runs_old_text() {
    let proto = Protocol {
        entry_rmw: loom::sync::atomic::Ordering::Relaxed,
        ..Protocol::KERNEL
    };
    one_sender(proto, WORK_SYNC);
}

#[test]
#[should_panic(expected = "a sender deferred before the quiesce was visible")]
fn broken_relaxed_exit_store_misses_the_quiesce() {
    let proto = Protocol {
        exit_store: loom::sync::atomic::Ordering::Relaxed,
        sender_load: loom::sync::atomic::Ordering::Relaxed,
        sender_rmw: loom::sync::atomic::Ordering::Release,
        ..Protocol::KERNEL
    };
    one_sender(proto, WORK_SYNC);
}

#[test]
#[should_panic(expected = "stat_refresh skipped a CPU with an unfolded diff")]
fn broken_relaxed_skip_load_misses_the_fold() {
    let proto = Protocol {
        skip_load: loom::sync::atomic::Ordering::Relaxed,
        ..Protocol::KERNEL
    };
    skip(proto);
}

#[test]
#[should_panic(expected = "a concurrent deferral was lost")]
fn broken_plain_sender_loses_work() {
    let proto = Protocol {
        sender_plain: true,
        ..Protocol::KERNEL
    };
    two_senders(proto);
}

#[test]
#[should_panic(expected = "deferred work was not flushed by the entry")]
fn broken_plain_entry_loses_work() {
    let proto = Protocol {
        entry_plain: true,
        ..Protocol::KERNEL
    };
    one_sender(proto, WORK_SYNC);
}
