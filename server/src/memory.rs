//! How the process asks glibc for memory.

/// glibc's malloc gives threads that allocate at once arenas of their own
/// (up to eight per core) and keeps what is freed in each. Under 200 users
/// at once — work spread over tokio's workers, the blocking pool (argon2)
/// and SQLite's connection threads — RSS rose by 40 MB and stayed there; two
/// arenas held the peak near 85 MB (`make load`). Call before any thread starts.
pub fn few_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a malloc parameter; called before other threads exist.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
