#!/usr/bin/env bash
# Swift toolchain for Linux: a Debian trixie chroot with `swiftlang` (this
# host's glibc is too old for Swift; trixie's works — /work/shared/TOOLCHAINS.md).
#
# Sourced by scripts/test.d/50-swift.sh. Provides:
#   swift_chroot_ensure   build the chroot once, cached outside the repository
#                         (IMWALLET_SWIFT_CHROOT, default /var/cache/imwallet/swift-trixie);
#                         a half-built cache is never reused: the chroot is built
#                         under "<dir>.partial" and renamed only when complete.
#   swift_chroot_mount    mount proc and bind-mount a host dir at /build inside it
#   swift_chroot_umount   unmount everything swift_chroot_mount mounted (idempotent)
#   swift_chroot_run      run a bash command inside the chroot
# Needs root (debootstrap, mount, chroot); fails loudly otherwise.

SWIFT_CHROOT="${IMWALLET_SWIFT_CHROOT:-/var/cache/imwallet/swift-trixie}"
# The exact Debian package version the tests are known to pass with.
SWIFT_DEB_VERSION="${IMWALLET_SWIFT_DEB_VERSION:-6.0.3-2}"
# Packages installed without recommends: the compiler, the C library headers
# swiftc's Glibc module needs, and CA roots. Recorded in the marker, so a
# cache built with another list is rebuilt.
SWIFT_CHROOT_PACKAGES="swiftlang=$SWIFT_DEB_VERSION libc6-dev ca-certificates"
SWIFT_CHROOT_MARKER=".imwallet-swift-complete"
SWIFT_CHROOT_MOUNTS=()

swift_die() { echo "swift: $*" >&2; exit 1; }

swift_chroot_ensure() {
  [ "$(id -u)" = 0 ] || swift_die "root is required to build and enter the Swift chroot (debootstrap/mount/chroot)"
  if [ -f "$SWIFT_CHROOT/$SWIFT_CHROOT_MARKER" ] &&
     [ "$(cat "$SWIFT_CHROOT/$SWIFT_CHROOT_MARKER")" = "$SWIFT_CHROOT_PACKAGES" ]; then
    echo "swift: reusing cached chroot $SWIFT_CHROOT ($SWIFT_CHROOT_PACKAGES)"
    return 0
  fi
  if [ -e "$SWIFT_CHROOT" ]; then
    swift_chroot_assert_unmounted "$SWIFT_CHROOT"
    echo "swift: $SWIFT_CHROOT was built with other packages; rebuilding it"
    rm -rf --one-file-system "$SWIFT_CHROOT"
  fi
  command -v debootstrap >/dev/null || {
    echo "swift: installing debootstrap on the host"
    DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap >/dev/null ||
      { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap >/dev/null; } ||
      swift_die "could not install debootstrap"
  }
  local partial="$SWIFT_CHROOT.partial"
  # A previous interrupted build: make sure nothing is mounted under it, then start over.
  if [ -e "$partial" ]; then
    umount "$partial/proc" 2>/dev/null || true
    swift_chroot_assert_unmounted "$partial"
    rm -rf --one-file-system "$partial"
  fi
  mkdir -p "$(dirname "$SWIFT_CHROOT")"
  echo "swift: building the trixie chroot in $partial (cold: debootstrap + swiftlang, ~3 GB)"
  debootstrap --variant=minbase trixie "$partial" >/dev/null || swift_die "debootstrap trixie failed"
  cp /etc/resolv.conf "$partial/etc/resolv.conf"
  mount -t proc proc "$partial/proc"
  local rc=0
  chroot "$partial" bash -c "apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends $SWIFT_CHROOT_PACKAGES >/dev/null" || rc=$?
  umount "$partial/proc"
  [ "$rc" = 0 ] || swift_die "installing $SWIFT_CHROOT_PACKAGES in the chroot failed ($rc)"
  mkdir -p "$partial/build"
  echo "$SWIFT_CHROOT_PACKAGES" >"$partial/$SWIFT_CHROOT_MARKER"
  mv "$partial" "$SWIFT_CHROOT"
}

swift_chroot_assert_unmounted() { # <dir>: refuse to delete a tree something is mounted under
  if awk -v d="$1" '$2 == d || index($2, d "/") == 1 { found = 1 } END { exit !found }' /proc/mounts; then
    swift_die "something is still mounted under $1; unmount it first"
  fi
}

swift_chroot_mount() { # <host dir to appear at /build>
  mount -t proc proc "$SWIFT_CHROOT/proc" && SWIFT_CHROOT_MOUNTS+=("$SWIFT_CHROOT/proc") ||
    swift_die "could not mount proc in $SWIFT_CHROOT"
  mkdir -p "$SWIFT_CHROOT/build"
  mount --bind "$1" "$SWIFT_CHROOT/build" && SWIFT_CHROOT_MOUNTS+=("$SWIFT_CHROOT/build") ||
    swift_die "could not bind-mount $1 at $SWIFT_CHROOT/build"
  cp /etc/resolv.conf "$SWIFT_CHROOT/etc/resolv.conf"
}

swift_chroot_umount() {
  local i
  for ((i = ${#SWIFT_CHROOT_MOUNTS[@]} - 1; i >= 0; i--)); do
    umount "${SWIFT_CHROOT_MOUNTS[$i]}" 2>/dev/null || umount -l "${SWIFT_CHROOT_MOUNTS[$i]}" ||
      echo "swift: WARNING could not unmount ${SWIFT_CHROOT_MOUNTS[$i]}" >&2
  done
  SWIFT_CHROOT_MOUNTS=()
}

swift_chroot_run() { # <bash command>
  chroot "$SWIFT_CHROOT" env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 CI=true \
    bash -c "$1"
}
