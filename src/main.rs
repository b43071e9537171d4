// mimalloc: a record's many short-lived strings and vectors cost about a
// tenth fewer instructions than with glibc's malloc, and its per-thread
// heaps keep workers from contending (see README, Speed).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    vanban::cli::main()
}
