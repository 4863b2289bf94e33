/work/main/rust/userspace/task-isolation/target/debug/deps/task_isolation-288694333aaecce4.d: src/bin/task-isolation.rs Cargo.toml

/work/main/rust/userspace/task-isolation/target/debug/deps/libtask_isolation-288694333aaecce4.rmeta: src/bin/task-isolation.rs Cargo.toml

src/bin/task-isolation.rs:
Cargo.toml:

# env-dep:CLIPPY_ARGS=-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__
# env-dep:CLIPPY_CONF_DIR
