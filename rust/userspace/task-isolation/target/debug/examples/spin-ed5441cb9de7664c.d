/work/main/rust/userspace/task-isolation/target/debug/examples/spin-ed5441cb9de7664c.d: examples/spin.rs Cargo.toml

/work/main/rust/userspace/task-isolation/target/debug/examples/libspin-ed5441cb9de7664c.rmeta: examples/spin.rs Cargo.toml

examples/spin.rs:
Cargo.toml:

# env-dep:CLIPPY_ARGS=-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__
# env-dep:CLIPPY_CONF_DIR
