use std::process::ExitCode;

use acegate::{
    app::{self, Application, DemoData},
    config::Config,
    graphql,
};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SCHEMA_PATH: &str = "schema.graphql";

const USAGE: &str = "usage: acegate [serve | export-schema [--check] [PATH] | migrate | create-user --email EMAIL --name NAME [--role ADMIN|ANALYST|REVIEWER] | --version | --help]
  create-user reads the password from ACEGATE_NEW_USER_PASSWORD or, if unset, from the first line of standard input
  --version (-V) prints the version; --help (-h) prints this text";

/// What `acegate --version` prints: the package name and version, as in `Cargo.toml`.
const VERSION: &str = concat!(env!("CARGO_PKG_NAME"), " ", env!("CARGO_PKG_VERSION"));

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("serve") => serve().await,
        Some("export-schema") => export_schema(&args[1..]),
        Some("migrate") => migrate().await,
        Some("create-user") => create_user(&args[1..]).await,
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some("-V" | "--version" | "version") => {
            println!("{VERSION}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("unknown command {other:?}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn init_tracing(json: bool) {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_env("ACEGATE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    // The logs go to standard output.
    let ansi = colour_logs(
        std::io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    );
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi);
    if json {
        builder.json().init()
    } else {
        builder.init()
    }
}

/// Whether the text logs are coloured: only on a terminal, and not when `NO_COLOR` is set to anything non-empty
/// (<https://no-color.org>). Logs redirected to a file or a pipe carry no ANSI escape codes.
fn colour_logs(is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    is_terminal && no_color.is_none_or(|value| value.is_empty())
}

fn load_config() -> Result<Config, ExitCode> {
    Config::from_env().map_err(|err| {
        eprintln!("configuration error: {err}");
        ExitCode::from(2)
    })
}

async fn serve() -> ExitCode {
    let config = match load_config() {
        Ok(config) => config,
        Err(code) => return code,
    };
    init_tracing(!config.is_development());
    let listen = config.listen;
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(err) => {
            tracing::error!(error = %err, %listen, "cannot listen");
            return ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().unwrap_or(listen);
    tracing::info!(%addr, "listening");
    // The database may be late: the server listens at once and reports not-ready until the application is built.
    let on_ready = move |app: &Application, demo: DemoData| {
        if app.config.is_development() {
            println!("acegate (development) on {}", app.config.database_url);
            println!("  GraphQL:    http://{addr}/graphql");
            println!("  Playground: http://{addr}/");
            if demo != DemoData::Disabled {
                println!("  Demo logins (password {}):", acegate::demo::DEMO_PASSWORD);
                for login in acegate::demo::DEMO_LOGINS {
                    println!("    {login}");
                }
            }
        }
    };
    match app::run(config, listener, on_ready).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "server failed");
            ExitCode::FAILURE
        }
    }
}

fn export_schema(args: &[String]) -> ExitCode {
    let check = args.iter().any(|a| a == "--check");
    let path = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(String::as_str)
        .unwrap_or(SCHEMA_PATH);
    let sdl = graphql::sdl();
    if check {
        match std::fs::read_to_string(path) {
            Ok(committed) if committed == sdl => {
                println!("{path} is up to date");
                ExitCode::SUCCESS
            }
            Ok(_) => {
                eprintln!(
                    "{path} differs from the schema in the code: run `acegate export-schema` and commit it"
                );
                ExitCode::FAILURE
            }
            Err(err) => {
                eprintln!("cannot read {path}: {err}");
                ExitCode::FAILURE
            }
        }
    } else {
        match std::fs::write(path, sdl) {
            Ok(()) => {
                println!("wrote {path}");
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("cannot write {path}: {err}");
                ExitCode::FAILURE
            }
        }
    }
}

async fn migrate() -> ExitCode {
    let config = match load_config() {
        Ok(config) => config,
        Err(code) => return code,
    };
    init_tracing(!config.is_development());
    let result = async {
        let db = acegate::db::connect(&config.database_url, 1, Default::default()).await?;
        acegate::db::migrate(&db).await
    }
    .await;
    match result {
        Ok(()) => {
            println!("migrations applied");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("migration failed: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Bootstraps a user (typically the first admin of a production deployment) without going through the API.
async fn create_user(args: &[String]) -> ExitCode {
    use acegate::service::users::{Binding, NewUser};
    use entity::enums::Role;
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let (Some(email), Some(name)) = (flag("--email"), flag("--name")) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let role = match flag("--role").as_deref().unwrap_or("ADMIN") {
        "ADMIN" => Role::Admin,
        "ANALYST" => Role::Analyst,
        "REVIEWER" => Role::Reviewer,
        other => {
            eprintln!(
                "--role {other}: only ADMIN, ANALYST and REVIEWER can be created here (others need an organisation: use the API)"
            );
            return ExitCode::from(2);
        }
    };
    let password = match std::env::var("ACEGATE_NEW_USER_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            let mut line = String::new();
            if std::io::stdin().read_line(&mut line).is_err() {
                eprintln!("cannot read the password from standard input");
                return ExitCode::FAILURE;
            }
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let config = match load_config() {
        Ok(config) => config,
        Err(code) => return code,
    };
    let result = async {
        let db = acegate::db::connect(&config.database_url, 1, Default::default()).await?;
        acegate::db::migrate(&db).await?;
        Ok::<_, sea_orm::DbErr>(db)
    }
    .await;
    let db = match result {
        Ok(db) => db,
        Err(err) => {
            eprintln!("database: {err}");
            return ExitCode::FAILURE;
        }
    };
    let new = NewUser {
        email,
        password,
        display_name: name,
        role,
        binding: Binding::default(),
    };
    match acegate::service::users::create(None, &db, new).await {
        Ok(user) => {
            println!("created {} ({})", user.email, user.role.as_str());
            ExitCode::SUCCESS
        }
        Err(acegate::error::AppError::Validation(errors)) => {
            for error in errors {
                eprintln!("{}: {}", error.code, error.message);
            }
            ExitCode::from(2)
        }
        Err(err) => {
            eprintln!("failed: {}", err.message());
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use super::colour_logs;

    #[test]
    fn logs_are_coloured_only_on_a_terminal_without_no_color() {
        assert!(colour_logs(true, None));
        assert!(colour_logs(true, Some(OsStr::new(""))));
        assert!(!colour_logs(true, Some(OsStr::new("1"))));
        assert!(!colour_logs(false, None));
        assert!(!colour_logs(false, Some(OsStr::new(""))));
    }
}
