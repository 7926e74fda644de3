# Debian 13 (trixie) riscv64 packages for karasu-rv, fetched without touching the host (sourced by
# scripts/fetch-guest-rv and scripts/fetch-sysroot-rv).
#
# apt runs with a private configuration under $RV_APT_CACHE/apt-riscv64: its own sources list (arch=riscv64,
# the Debian mirror the host already uses, or $RV_APT_MIRROR), lists, caches and an empty dpkg status, so
# the host's sources, preferences, package state and dpkg architectures are never read or written. (No
# directory here may end in ".d": the Makefile includes every *.d under $(BUILD) as a dependency file.)
#
# The caller sets RV_APT_CACHE (where the .deb files are kept), optionally RV_APT_MIRROR, and defines
# say MESSAGE... and fail MESSAGE... (fail exits). Functions:
#   rv_apt_cache ARGS...       apt-cache with the private configuration (updates the lists first)
#   rv_apt_cached_deb PKG      the newest cached PKG_*_riscv64.deb (or _all.deb), or "" if there is none
#   rv_apt_download PKG        prints the path of PKG's .deb: the cached one, else downloaded once

RV_APT_SUITE=trixie
RV_APT_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
RV_APT_MIRROR=${RV_APT_MIRROR:-}
rv_apt_opts=()

# The Debian mirror the host already uses (deb822 .sources or one-line .list), so the download goes where
# the host's own packages come from; deb.debian.org if none is found.
rv_apt_host_mirror() {
	local f m
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		m=$(awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' "$f" |
			grep -E '/debian/?$' | head -n 1 || true)
		[ -z "$m" ] || { echo "${m%/}"; return; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		m=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' "$f" |
			grep -E '/debian/?$' | head -n 1 || true)
		[ -z "$m" ] || { echo "${m%/}"; return; }
	done
	echo http://deb.debian.org/debian
}

rv_apt_setup() {
	[ ${#rv_apt_opts[@]} -eq 0 ] || return 0
	local dir=$RV_APT_CACHE/apt-riscv64
	[ -n "$RV_APT_MIRROR" ] || RV_APT_MIRROR=$(rv_apt_host_mirror)
	[ -f "$RV_APT_KEYRING" ] || fail "$RV_APT_KEYRING is missing (install debian-archive-keyring)"
	mkdir -p "$dir/source-parts" "$dir/preference-parts" "$dir/lists/partial" "$dir/archives/partial"
	printf 'deb [arch=riscv64 signed-by=%s] %s %s main\n' "$RV_APT_KEYRING" "$RV_APT_MIRROR" "$RV_APT_SUITE" \
		>"$dir/sources.list"
	: >"$dir/status"
	rv_apt_opts=(
		-o "Dir::Etc::SourceList=$dir/sources.list"
		-o "Dir::Etc::SourceParts=$dir/source-parts"
		-o "Dir::Etc::Preferences=$dir/preferences"
		-o "Dir::Etc::PreferencesParts=$dir/preference-parts"
		-o "Dir::State=$dir"
		-o "Dir::State::Lists=$dir/lists"
		-o "Dir::State::status=$dir/status"
		-o "Dir::Cache=$dir"
		-o "Dir::Cache::archives=$dir/archives"
		-o "Dir::Cache::pkgcache=$dir/pkgcache.bin"
		-o "Dir::Cache::srcpkgcache=$dir/srcpkgcache.bin"
		-o "APT::Architecture=riscv64"
		-o "APT::Architectures::=riscv64"
		-o "Acquire::Languages=none"
		-o "APT::Sandbox::User=$(id -un)"
	)
}

# Once per run of the calling script, also when called from $(...) subshells ($$ is the script's pid in
# them too): the marker file remembers which run updated the lists.
rv_apt_update() {
	rv_apt_setup
	local dir=$RV_APT_CACHE/apt-riscv64
	[ "$(cat "$dir/updated-by-pid" 2>/dev/null)" != "$$" ] || return 0
	say "apt-get update of Debian $RV_APT_SUITE riscv64 from $RV_APT_MIRROR (private lists in $dir)"
	apt-get "${rv_apt_opts[@]}" -q update >"$dir/update.log" 2>&1 ||
		{ sed 's/^/    /' "$dir/update.log" >&2; fail "apt-get update failed"; }
	echo "$$" >"$dir/updated-by-pid"
}

rv_apt_cache() {
	rv_apt_update
	apt-cache "${rv_apt_opts[@]}" "$@"
}

rv_apt_cached_deb() {
	ls "$RV_APT_CACHE/${1}"_*_riscv64.deb "$RV_APT_CACHE/${1}"_*_all.deb 2>/dev/null | sort -V | tail -n 1 || true
}

rv_apt_download() {
	local pkg=$1 deb
	deb=$(rv_apt_cached_deb "$pkg")
	if [ -z "$deb" ]; then
		rv_apt_update
		say "downloading $pkg:riscv64 into $RV_APT_CACHE"
		(cd "$RV_APT_CACHE" && apt-get "${rv_apt_opts[@]}" -q download "$pkg:riscv64" >&2) ||
			fail "apt-get download $pkg:riscv64 failed"
		deb=$(rv_apt_cached_deb "$pkg")
		[ -n "$deb" ] || fail "apt-get download $pkg:riscv64 left no ${pkg}_*.deb in $RV_APT_CACHE"
	else
		say "using cached $(basename "$deb")"
	fi
	echo "$deb"
}
