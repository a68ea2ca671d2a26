#!/usr/bin/env bash
# Builds the odoo-mcpd Debian package with plain dpkg-deb.
#
#   packaging/deb/build.sh [-v VERSION] [-o OUTDIR] [-a ARCH]
#
# Prints the path of the .deb it wrote. VERSION defaults to one derived from
# `git describe`; ARCH to the Go toolchain's (amd64, arm64, ...).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
pkg=odoo-mcpd
out="$top/dist"
arch=$(go env GOARCH)
version=""

while getopts "v:o:a:" opt; do
	case "$opt" in
	v) version=$OPTARG ;;
	o) out=$OPTARG ;;
	a) arch=$OPTARG ;;
	*) echo "usage: $0 [-v VERSION] [-o OUTDIR] [-a ARCH]" >&2; exit 2 ;;
	esac
done

if [ -z "$version" ]; then
	# v1.2.3-4-gabcdef -> 1.2.3+4.gabcdef; no tag -> 0.0.0+gabcdef
	d=$(git -C "$top" describe --tags --always 2>/dev/null || echo unknown)
	case "$d" in
	v[0-9]*) version=$(echo "${d#v}" | sed -E 's/-([0-9]+)-g/+\1.g/') ;;
	*) version="0.0.0+g$d" ;;
	esac
fi
if ! echo "$version" | grep -Eq '^[0-9][A-Za-z0-9.+~-]*$'; then
	echo "build.sh: bad Debian version \"$version\"" >&2
	exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" \
	"$root/usr/lib/sysusers.d" "$root/usr/lib/tmpfiles.d" "$root/etc/odoo-mcpd" \
	"$root/usr/share/doc/$pkg/examples/nginx" "$root/usr/share/man/man1" "$root/usr/share/man/man8"

# Binaries: reproducible paths, version stamped, and built as Debian builds
# C programs: linked against the system's libc, position independent, with
# full RELRO (the container image is the static build). Another ARCH needs
# that architecture's C cross compiler in CC.
(cd "$top" && CGO_ENABLED=1 GOOS=linux GOARCH="$arch" go build -trimpath -buildvcs=false -buildmode=pie \
	-ldflags "-s -w -linkmode=external -extldflags=-Wl,-z,relro,-z,now -X github.com/odoo-mcpd/odoo-mcpd/daemon.Version=$version -X main.version=$version" \
	-o "$root/usr/bin/" ./cmd/odoo-mcpd ./cmd/odoo-mcpctl)

install -m 0644 "$top"/packaging/systemd/*.socket "$top"/packaging/systemd/*.service "$root/lib/systemd/system/"
install -m 0644 "$top/packaging/systemd/odoo-mcpd.sysusers" "$root/usr/lib/sysusers.d/$pkg.conf"
install -m 0644 "$top/packaging/systemd/odoo-mcpd.tmpfiles" "$root/usr/lib/tmpfiles.d/$pkg.conf"
install -m 0644 "$top/packaging/deb/tenants.toml" "$root/etc/odoo-mcpd/tenants.toml"

doc="$root/usr/share/doc/$pkg"
install -m 0644 "$top/packaging/deb/copyright" "$doc/copyright"
install -m 0644 "$top/README.md" "$doc/README.md"
gzip -9n "$doc/README.md"
install -m 0644 "$top/packaging/tenants.example.toml" "$doc/examples/tenants.toml"
install -m 0644 "$top/packaging/systemd/notify-reload.conf" "$doc/examples/notify-reload.conf"
if compgen -G "$top/packaging/nginx/*.conf" >/dev/null; then
	install -m 0644 "$top"/packaging/nginx/*.conf "$doc/examples/nginx/"
fi
date_rfc=$(date -u -R -d "@${SOURCE_DATE_EPOCH:-$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)}")
cat >"$work/changelog.Debian" <<CHANGES
$pkg ($version) unstable; urgency=medium

  * Build of $version.

 -- odoo-mcpd maintainers <maintainers@odoo-mcpd.invalid>  $date_rfc
CHANGES
gzip -9n -c "$work/changelog.Debian" >"$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"
for m in "$top"/packaging/deb/man/*.[18]; do
	sec=${m##*.}
	gzip -9n -c "$m" >"$root/usr/share/man/man$sec/$(basename "$m").gz"
	chmod 0644 "$root/usr/share/man/man$sec/$(basename "$m").gz"
done

install -m 0755 "$top/packaging/deb/postinst" "$top/packaging/deb/prerm" "$top/packaging/deb/postrm" "$root/DEBIAN/"
echo /etc/odoo-mcpd/tenants.toml >"$root/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
	"$top/packaging/deb/control.in" >"$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -print0 | sed -z 's|^\./||' | sort -z |
	xargs -0 md5sum >DEBIAN/md5sums)
chmod 0644 "$root/DEBIAN/md5sums" "$root/DEBIAN/conffiles" "$root/DEBIAN/control"
find "$root" -type d -exec chmod 0755 {} +

mkdir -p "$out"
deb="$out/${pkg}_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
