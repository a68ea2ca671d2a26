// Package packaging holds what an operator installs besides the binaries:
// systemd units (systemd/), the Debian package recipe (deb/), nginx
// reverse-proxy recipes (nginx/), the container image (Dockerfile) and the
// annotated example tenants file. Its tests run the real tools over them:
// systemd-analyze, systemd-sysusers, systemd-tmpfiles, dpkg-deb, lintian
// and nginx.
package packaging
