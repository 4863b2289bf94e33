/work/main/rust/userspace/task-isolation/target/debug/examples/spin-ec81fceb4ed001ec.d: examples/spin.rs

/work/main/rust/userspace/task-isolation/target/debug/examples/spin-ec81fceb4ed001ec: examples/spin.rs

examples/spin.rs:
