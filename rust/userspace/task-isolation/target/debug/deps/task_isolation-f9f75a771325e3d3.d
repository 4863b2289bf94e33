/work/main/rust/userspace/task-isolation/target/debug/deps/task_isolation-f9f75a771325e3d3.d: src/bin/task-isolation.rs

/work/main/rust/userspace/task-isolation/target/debug/deps/task_isolation-f9f75a771325e3d3: src/bin/task-isolation.rs

src/bin/task-isolation.rs:
