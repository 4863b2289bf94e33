/work/main/rust/userspace/task-isolation/target/debug/deps/task_isolation-7bd11f376f409139.d: src/lib.rs src/abi.rs src/ffi.rs src/sys.rs src/trace.rs

/work/main/rust/userspace/task-isolation/target/debug/deps/libtask_isolation-7bd11f376f409139.rlib: src/lib.rs src/abi.rs src/ffi.rs src/sys.rs src/trace.rs

/work/main/rust/userspace/task-isolation/target/debug/deps/libtask_isolation-7bd11f376f409139.a: src/lib.rs src/abi.rs src/ffi.rs src/sys.rs src/trace.rs

src/lib.rs:
src/abi.rs:
src/ffi.rs:
src/sys.rs:
src/trace.rs:
