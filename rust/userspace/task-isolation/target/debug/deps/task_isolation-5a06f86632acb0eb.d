/work/main/rust/userspace/task-isolation/target/debug/deps/task_isolation-5a06f86632acb0eb.d: src/lib.rs src/abi.rs src/ffi.rs src/sys.rs src/trace.rs

/work/main/rust/userspace/task-isolation/target/debug/deps/task_isolation-5a06f86632acb0eb: src/lib.rs src/abi.rs src/ffi.rs src/sys.rs src/trace.rs

src/lib.rs:
src/abi.rs:
src/ffi.rs:
src/sys.rs:
src/trace.rs:
