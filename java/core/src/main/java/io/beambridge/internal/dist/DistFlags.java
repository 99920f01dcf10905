package io.beambridge.internal.dist;

/**
 * The distribution capability flags (erts dist.h). The node advertises
 * {@link #ADVERTISED}; the flags in force on a connection are both sides' intersection.
 */
public final class DistFlags {
    private DistFlags() {}

    public static final long PUBLISHED = 0x1L;
    public static final long ATOM_CACHE = 0x2L;
    public static final long EXTENDED_REFERENCES = 0x4L;
    public static final long DIST_MONITOR = 0x8L;
    public static final long FUN_TAGS = 0x10L;
    public static final long DIST_MONITOR_NAME = 0x20L;
    public static final long HIDDEN_ATOM_CACHE = 0x40L;
    public static final long NEW_FUN_TAGS = 0x80L;
    public static final long EXTENDED_PIDS_PORTS = 0x100L;
    public static final long EXPORT_PTR_TAG = 0x200L;
    public static final long BIT_BINARIES = 0x400L;
    public static final long NEW_FLOATS = 0x800L;
    public static final long UNICODE_IO = 0x1000L;
    public static final long DIST_HDR_ATOM_CACHE = 0x2000L;
    public static final long SMALL_ATOM_TAGS = 0x4000L;
    public static final long UTF8_ATOMS = 0x10000L;
    public static final long MAP_TAG = 0x20000L;
    public static final long BIG_CREATION = 0x40000L;
    public static final long SEND_SENDER = 0x80000L;
    public static final long BIG_SEQTRACE_LABELS = 0x100000L;
    public static final long EXIT_PAYLOAD = 0x400000L;
    public static final long FRAGMENTS = 0x800000L;
    public static final long HANDSHAKE_23 = 0x1000000L;
    public static final long UNLINK_ID = 0x2000000L;
    public static final long MANDATORY_25_DIGEST = 0x4000000L;
    public static final long SPAWN = 1L << 32;
    public static final long NAME_ME = 1L << 33;
    public static final long V4_NC = 1L << 34;
    public static final long ALIAS = 1L << 35;

    /** What OTP 25 requires of every peer. */
    public static final long MANDATORY_25 = EXTENDED_REFERENCES | FUN_TAGS | EXTENDED_PIDS_PORTS
            | UTF8_ATOMS | NEW_FUN_TAGS | BIG_CREATION | NEW_FLOATS | MAP_TAG | EXPORT_PTR_TAG
            | BIT_BINARIES | HANDSHAKE_23;

    /**
     * What this node advertises: OTP 25's mandatory flags, monitors (both flags, or OTP
     * sends none), payload exits, SEND_SENDER, fragments, the distribution header's atom
     * cache ({@link AtomCache}), unlink ids, V4 node containers, aliases, spawn requests
     * (the node's rpc server answers every one). Not PUBLISHED (the node is hidden).
     */
    public static final long ADVERTISED = MANDATORY_25 | MANDATORY_25_DIGEST | DIST_MONITOR
            | DIST_MONITOR_NAME | SEND_SENDER | EXIT_PAYLOAD | FRAGMENTS | UNLINK_ID | V4_NC | ALIAS | SPAWN
            | SMALL_ATOM_TAGS | UNICODE_IO | BIG_SEQTRACE_LABELS | DIST_HDR_ATOM_CACHE;

    /**
     * What a node advertises: {@link #ADVERTISED}, with PUBLISHED for a visible node (which
     * is what makes it visible: a BEAM peer lists it in {@code nodes()} and its global
     * name server talks to it).
     */
    public static long advertised(boolean visible) {
        return visible ? ADVERTISED | PUBLISHED : ADVERTISED;
    }

    /** The flags a peer must have for this node to talk to it. */
    public static final long REQUIRED = MANDATORY_25 | DIST_MONITOR | DIST_MONITOR_NAME | UNLINK_ID;

    /** True when {@code flags} stands for all of {@link #MANDATORY_25}, or names them all. */
    static long normalize(long flags) {
        return (flags & MANDATORY_25_DIGEST) != 0 ? flags | MANDATORY_25 : flags;
    }
}
