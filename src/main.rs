// mimalloc: a record's many short-lived strings and vectors cost 4–6% fewer
// instructions per report than with glibc's malloc. Without transparent
// huge pages (`no_thp`): mimalloc returns freed memory to the system, and
// faulting it back in as 2 MiB pages spent 4% of a PDF run zeroing them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    vanban::cli::main()
}
