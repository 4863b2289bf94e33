/work/main/rust/userspace/task-isolation/target/debug/deps/task_isolation-08c2360d187d7e0c.d: src/lib.rs src/abi.rs src/ffi.rs src/sys.rs src/trace.rs Cargo.toml

/work/main/rust/userspace/task-isolation/target/debug/deps/libtask_isolation-08c2360d187d7e0c.rmeta: src/lib.rs src/abi.rs src/ffi.rs src/sys.rs src/trace.rs Cargo.toml

src/lib.rs:
src/abi.rs:
src/ffi.rs:
src/sys.rs:
src/trace.rs:
Cargo.toml:

# env-dep:CLIPPY_ARGS=-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__
# env-dep:CLIPPY_CONF_DIR
