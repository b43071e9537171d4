fn main() -> std::process::ExitCode {
    vanban::cli::main()
}
