//! `make install` lays the library out like Mbed TLS 3.6, and projects written for an installed
//! Mbed TLS build against it unchanged: an out-of-tree CMake project (`find_package(MbedTLS 3.6
//! REQUIRED)`, `MbedTLS::mbedtls`, static library) and a Makefile project using `pkg-config
//! --cflags --libs mbedtls` (shared library), both building c_examples/ssl_client.c and
//! completing a handshake with `openssl s_server` over loopback.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// Runs a command to completion; panics with its output when it fails.
fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

/// Installs into `prefix` with scripts/install.sh (what `make install` runs after `make lib`;
/// the library was just built by cargo for these tests).
fn install(prefix: &Path, destdir: Option<&Path>) {
    install_edition(prefix, destdir, "3.6");
}

/// As `install`, for the edition `edition` ("3.6" or "2.28", whose build `build()` made).
fn install_edition(prefix: &Path, destdir: Option<&Path>, edition: &str) {
    build();
    let mut cmd = Command::new("bash");
    cmd.arg(root().join("scripts/install.sh")).env("PREFIX", prefix).env("EDITION", edition);
    if let Some(d) = destdir {
        cmd.env("DESTDIR", d);
    }
    ok(&mut cmd);
}

/// Runs `client` against a one-shot `openssl s_server`; returns the client's output.
fn handshake(client: &Path, env: &[(&str, &str)]) -> String {
    let port = free_port();
    let accept = format!("127.0.0.1:{port}");
    let (c, k) = (cert("server-rsa.crt"), cert("server-rsa.key"));
    let argv = ["openssl", "s_server", "-accept", &accept, "-cert", &c, "-key", &k, "-rev", "-naccept", "1"];
    let server = Proc::start("openssl s_server", &argv, &[], 30);
    server.expect("ACCEPT", 10);
    let (port_arg, ca) = (format!("server_port={port}"), format!("ca_file={}", cert("ca.crt")));
    let client = client.to_str().unwrap();
    let mut p = Proc::start("installed ssl_client", &[client, &port_arg, &ca, "request=installed\\n"], env, 30);
    let status = p.wait(30);
    let out = p.output();
    assert!(status.success(), "{out}\nserver:\n{}", server.output());
    assert!(out.contains("flags 0x00000000") && out.contains("dellatsni"), "{out}");
    out
}

/// A scratch directory with an installed copy in `prefix/` and a project directory holding
/// c_examples/ssl_client.c: (scratch, prefix, project).
fn installed_project(name: &str) -> (PathBuf, PathBuf, PathBuf) {
    installed_edition_project(name, "3.6")
}

/// As `installed_project`, with an installed copy of the edition `edition`.
fn installed_edition_project(name: &str, edition: &str) -> (PathBuf, PathBuf, PathBuf) {
    let dir = scratch(&format!("install-{name}"));
    let prefix = dir.join("prefix");
    install_edition(&prefix, None, edition);
    let project = dir.join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::copy(root().join("c_examples/ssl_client.c"), project.join("ssl_client.c")).unwrap();
    (dir, prefix, project)
}

#[test]
fn the_install_tree_has_mbedtls_3_6s_layout() {
    let dir = scratch("install-layout");
    let prefix = Path::new("/opt/mbedtls-compat");
    install(prefix, Some(&dir));
    let staged = dir.join("opt/mbedtls-compat");
    for f in [
        "include/mbedtls/ssl.h",
        "include/mbedtls/build_info.h",
        "include/psa/crypto.h",
        "lib/libmbedtls.a",
        "lib/libmbedtls.so.3.6.6",
        "lib/libmbedtls.so.21",
        "lib/libmbedtls.so",
        "lib/libmbedx509.a",
        "lib/libmbedx509.so",
        "lib/libmbedcrypto.a",
        "lib/libmbedcrypto.so",
        "lib/pkgconfig/mbedtls.pc",
        "lib/pkgconfig/mbedx509.pc",
        "lib/pkgconfig/mbedcrypto.pc",
        "lib/cmake/MbedTLS/MbedTLSConfig.cmake",
        "lib/cmake/MbedTLS/MbedTLSConfigVersion.cmake",
        "lib/cmake/MbedTLS/MbedTLSTargets.cmake",
    ] {
        assert!(staged.join(f).exists(), "{f} not installed");
    }
    // The files name the final prefix, not the staging directory.
    let pc = std::fs::read_to_string(staged.join("lib/pkgconfig/mbedtls.pc")).unwrap();
    assert!(pc.contains("prefix=/opt/mbedtls-compat") && !pc.contains(dir.to_str().unwrap()), "{pc}");
    let script = std::fs::read_to_string(staged.join("lib/libmbedcrypto.so")).unwrap();
    assert!(script.contains("INPUT(/opt/mbedtls-compat/lib/libmbedtls.so.21)"), "{script}");
    // Mbed TLS 3.6's soname of libmbedtls.
    let dynamic = ok(Command::new("readelf").arg("-d").arg(staged.join("lib/libmbedtls.so.3.6.6")));
    assert!(dynamic.contains("Library soname: [libmbedtls.so.21]"), "{dynamic}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cmake_project_finds_mbedtls_3_6_and_completes_a_handshake() {
    let (dir, prefix, project) = installed_project("cmake");
    std::fs::write(
        project.join("CMakeLists.txt"),
        "cmake_minimum_required(VERSION 3.16)\nproject(installed_client C)\n\
         find_package(MbedTLS 3.6 REQUIRED)\nadd_executable(ssl_client ssl_client.c)\n\
         target_compile_options(ssl_client PRIVATE -Wall -Wextra -Werror)\n\
         target_link_libraries(ssl_client PRIVATE MbedTLS::mbedtls)\n",
    )
    .unwrap();
    let build = dir.join("build");
    ok(Command::new("cmake")
        .arg("-S")
        .arg(&project)
        .arg("-B")
        .arg(&build)
        .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix.display())));
    ok(Command::new("cmake").arg("--build").arg(&build));
    // Static: the program needs no libmbedtls.so at run time.
    let client = build.join("ssl_client");
    let needed = ok(Command::new("readelf").arg("-d").arg(&client));
    assert!(!needed.contains("libmbedtls"), "{needed}");
    handshake(&client, &[]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Builds `project`'s ssl_client.c with a Makefile that takes its flags from `pkg-config
/// mbedtls` of the copy installed in `prefix`; returns the program.
fn pkg_config_build(prefix: &Path, project: &Path) -> PathBuf {
    std::fs::write(
        project.join("Makefile"),
        "CFLAGS += -Wall -Wextra -Werror $(shell pkg-config --cflags mbedtls)\n\
         LDLIBS += $(shell pkg-config --libs mbedtls)\n\
         ssl_client: ssl_client.c\n",
    )
    .unwrap();
    ok(Command::new("make").arg("-C").arg(project).env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig")));
    project.join("ssl_client")
}

#[test]
fn pkg_config_makefile_project_links_the_shared_library_and_completes_a_handshake() {
    let (dir, prefix, project) = installed_project("pkgconfig");
    let pkg_path = prefix.join("lib/pkgconfig");
    let flags =
        ok(Command::new("pkg-config").args(["--cflags", "--libs", "mbedtls"]).env("PKG_CONFIG_PATH", &pkg_path));
    assert!(flags.contains("-lmbedtls") && flags.contains(&format!("{}/include", prefix.display())), "{flags}");
    let client = pkg_config_build(&prefix, &project);
    let needed = ok(Command::new("readelf").arg("-d").arg(&client));
    assert!(needed.contains("Shared library: [libmbedtls.so.21]"), "{needed}");
    let libdir = prefix.join("lib");
    handshake(&client, &[("LD_LIBRARY_PATH", libdir.to_str().unwrap())]);
    // A crypto-only program linked with `pkg-config --libs mbedcrypto` (-lmbedcrypto) finds the
    // same library through the libmbedcrypto.so linker script.
    std::fs::write(
        project.join("sha.c"),
        "#include <stdio.h>\n#include \"mbedtls/sha256.h\"\nint main(void)\n{\n    unsigned char d[32];\n    \
         if (mbedtls_sha256((const unsigned char *) \"abc\", 3, d, 0) != 0) {\n        return 1;\n    }\n    \
         for (int i = 0; i < 32; i++) {\n        printf(\"%02x\", d[i]);\n    }\n    printf(\"\\n\");\n    return 0;\n}\n",
    )
    .unwrap();
    let crypto =
        ok(Command::new("pkg-config").args(["--cflags", "--libs", "mbedcrypto"]).env("PKG_CONFIG_PATH", &pkg_path));
    let sha = project.join("sha");
    let mut cc = Command::new("cc");
    cc.args(["-Wall", "-Wextra", "-Werror", "-o"]).arg(&sha).arg(project.join("sha.c"));
    cc.args(crypto.split_whitespace().map(|a| a.trim_matches('"')));
    ok(&mut cc);
    let digest = ok(Command::new(&sha).env("LD_LIBRARY_PATH", &libdir));
    assert_eq!(digest.trim(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    let static_flags =
        ok(Command::new("pkg-config").args(["--static", "--libs", "mbedcrypto"]).env("PKG_CONFIG_PATH", &pkg_path));
    assert!(static_flags.contains("-lmbedcrypto") && static_flags.contains("-lpthread"), "{static_flags}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 12: `make install EDITION=2.28` lays the 2.28 edition out as Mbed TLS 2.28 (headers
/// with mbedtls/config.h and version 2.28.10, libmbedtls.so.14, pkg-config files saying
/// 2.28.10), and a Makefile project written for an installed 2.28 builds with `pkg-config` and
/// completes a handshake with `openssl s_server`.
#[test]
fn the_2_28_edition_installs_like_mbedtls_2_28() {
    let (dir, prefix, project) = installed_edition_project("2.28", "2.28");
    let version = std::fs::read_to_string(prefix.join("include/mbedtls/build_info.h")).unwrap();
    assert!(version.contains("#define MBEDTLS_VERSION_STRING \"2.28.10\""), "{version}");
    assert!(prefix.join("include/mbedtls/config.h").exists());
    assert!(!prefix.join("lib/cmake").exists(), "2.28 installs no CMake package");
    let pkg_path = prefix.join("lib/pkgconfig");
    let modversion = ok(Command::new("pkg-config").args(["--modversion", "mbedtls"]).env("PKG_CONFIG_PATH", &pkg_path));
    assert_eq!(modversion.trim(), "2.28.10");
    let client = pkg_config_build(&prefix, &project);
    let needed = ok(Command::new("readelf").arg("-d").arg(&client));
    assert!(needed.contains("Shared library: [libmbedtls.so.14]"), "{needed}");
    let libdir = prefix.join("lib");
    let out = handshake(&client, &[("LD_LIBRARY_PATH", libdir.to_str().unwrap())]);
    assert!(out.contains("[ Protocol is TLSv1.2 ]"), "the 2.28 edition's default is TLS 1.2:\n{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
