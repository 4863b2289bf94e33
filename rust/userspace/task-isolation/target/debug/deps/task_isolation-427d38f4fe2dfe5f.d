/work/main/rust/userspace/task-isolation/target/debug/deps/task_isolation-427d38f4fe2dfe5f.d: src/lib.rs src/abi.rs src/ffi.rs src/sys.rs src/trace.rs Cargo.toml

/work/main/rust/userspace/task-isolation/target/debug/deps/libtask_isolation-427d38f4fe2dfe5f.rmeta: src/lib.rs src/abi.rs src/ffi.rs src/sys.rs src/trace.rs Cargo.toml

src/lib.rs:
src/abi.rs:
src/ffi.rs:
src/sys.rs:
src/trace.rs:
Cargo.toml:

# env-dep:CLIPPY_ARGS=-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__
# env-dep:CLIPPY_CONF_DIR
