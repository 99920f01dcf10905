package io.beambridge.internal.dist;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * The distribution handshake, version 6 (the only one since OTP 25), in both
 * directions: name, status, challenge, challenge reply, challenge ack; digest
 * {@code MD5(cookie ++ decimal(challenge))}, compared in constant time. Packets have a
 * 2-byte length over TCP and a 4-byte one over TLS (OTP's {@code inet_tls_dist} sets
 * {@code {packet, 4}} from the start). Each read times out after the socket's timeout
 * (net_setuptime).
 */
final class Handshake {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the handshake learnt of the peer. */
    record Peer(String name, long flags, int creation) {}

    /** The acceptor's answer to the peer's name, sent as the status. */
    enum Status {
        OK("ok"), OK_SIMULTANEOUS("ok_simultaneous"), NOK("nok"), NOT_ALLOWED("not_allowed"),
        ALIVE("alive");

        final String wire;

        Status(String wire) {
            this.wire = wire;
        }
    }

    /** The node's side of an incoming handshake. */
    interface Acceptor {
        /** Decides the status for a peer that sent its name. */
        Status statusFor(String peerName);

        /** The peer answered "true" to status alive: the old connection may go. */
        void replaceExisting(String peerName);
    }

    /** A refusal or a protocol error during the handshake; the message says which. */
    static final class HandshakeException extends IOException {
        HandshakeException(String message) {
            super(message);
        }
    }

    /**
     * The initiator gives way: the peer's own attempt wins (status {@code nok}), or the
     * peer is connected to us already (status {@code alive} while this node is too).
     */
    static final class SimultaneousException extends IOException {
        SimultaneousException(String message) {
            super(message);
        }
    }

    private Handshake() {}

    // ------------------------------------------------------------------ acceptor

    static Peer accept(Socket socket, String ourName, int ourCreation, long ourFlags, String cookie,
                       Acceptor node) throws IOException {
        Framed io = new Framed(socket);

        byte[] nameMsg = io.read();
        if (nameMsg.length < 1 || nameMsg[0] != 'N') {
            throw new HandshakeException(nameMsg.length > 0 && nameMsg[0] == 'n'
                    ? "peer offers handshake version 5; only version 6 (OTP 23 and later) is spoken"
                    : "expected a send_name message ('N'), got " + describe(nameMsg));
        }
        if (nameMsg.length < 15) {
            throw new HandshakeException("truncated send_name message (" + nameMsg.length + " bytes)");
        }
        Reader r = new Reader(nameMsg, 1);
        long peerFlags = DistFlags.normalize(r.u64());
        int peerCreation = r.u32();
        String peerName = r.string(r.u16());
        validateName(peerName);
        checkFlags(peerName, peerFlags);

        Status status = node.statusFor(peerName);
        io.write(("s" + status.wire).getBytes(StandardCharsets.ISO_8859_1));
        switch (status) {
            case NOK, NOT_ALLOWED -> throw new HandshakeException(
                    "connection attempt from " + peerName + " answered '" + status.wire + "'");
            case ALIVE -> {
                byte[] answer = io.read();
                String a = new String(answer, StandardCharsets.ISO_8859_1);
                if (!a.equals("strue")) {
                    throw new HandshakeException(peerName + " keeps its existing connection ("
                        + describe(answer) + ")");
                }
                node.replaceExisting(peerName);
            }
            default -> { }
        }

        int challenge = RANDOM.nextInt();
        byte[] our = ourName.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        DataOutputStream c = new DataOutputStream(b);
        c.writeByte('N');
        c.writeLong(ourFlags);
        c.writeInt(challenge);
        c.writeInt(ourCreation);
        c.writeShort(our.length);
        c.write(our);
        io.write(b.toByteArray());

        byte[] reply = io.read();
        if (reply.length != 21 || reply[0] != 'r') {
            throw new HandshakeException("expected a challenge reply ('r', 21 bytes) from " + peerName
                    + ", got " + describe(reply));
        }
        Reader rr = new Reader(reply, 1);
        int peerChallenge = rr.u32();
        byte[] digest = rr.bytes(16);
        if (!MessageDigest.isEqual(digest, digest(cookie, challenge))) {
            throw new HandshakeException("connection attempt from node " + peerName
                    + " rejected: invalid challenge reply (the cookies differ)");
        }
        byte[] ack = new byte[17];
        ack[0] = 'a';
        System.arraycopy(digest(cookie, peerChallenge), 0, ack, 1, 16);
        io.write(ack);
        return new Peer(peerName, peerFlags, peerCreation);
    }

    // ------------------------------------------------------------------ initiator

    static Peer initiate(Socket socket, String ourName, int ourCreation, long ourFlags, String cookie,
                         String peerName, java.util.function.BooleanSupplier stillPending) throws IOException {
        Framed io = new Framed(socket);

        byte[] our = ourName.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        DataOutputStream n = new DataOutputStream(b);
        n.writeByte('N');
        n.writeLong(ourFlags);
        n.writeInt(ourCreation);
        n.writeShort(our.length);
        n.write(our);
        io.write(b.toByteArray());

        String status = new String(io.read(), StandardCharsets.ISO_8859_1);
        switch (status) {
            case "sok", "sok_simultaneous" -> { }
            case "snok" -> throw new SimultaneousException(peerName + " is connecting to us at the same time");
            case "snot_allowed" -> throw new HandshakeException(peerName + " does not allow a connection from "
                    + ourName + " (status not_allowed)");
            case "salive" -> {
                if (!stillPending.getAsBoolean()) {
                    io.write("sfalse".getBytes(StandardCharsets.ISO_8859_1));
                    throw new SimultaneousException(peerName + " is connected to us already");
                }
                io.write("strue".getBytes(StandardCharsets.ISO_8859_1));
            }
            default -> throw new HandshakeException("unexpected handshake status from " + peerName + ": "
                    + describe(status.getBytes(StandardCharsets.ISO_8859_1)));
        }

        byte[] ch = io.read();
        if (ch.length < 19 || ch[0] != 'N') {
            throw new HandshakeException("expected a challenge ('N') from " + peerName + ", got " + describe(ch));
        }
        Reader r = new Reader(ch, 1);
        long peerFlags = DistFlags.normalize(r.u64());
        int challenge = r.u32();
        int peerCreation = r.u32();
        String name = r.string(r.u16());
        if (!name.equals(peerName)) {
            throw new HandshakeException("connected to " + peerName + " but the node there is " + name);
        }
        checkFlags(peerName, peerFlags);

        int ourChallenge = RANDOM.nextInt();
        byte[] reply = new byte[21];
        reply[0] = 'r';
        reply[1] = (byte) (ourChallenge >>> 24);
        reply[2] = (byte) (ourChallenge >>> 16);
        reply[3] = (byte) (ourChallenge >>> 8);
        reply[4] = (byte) ourChallenge;
        System.arraycopy(digest(cookie, challenge), 0, reply, 5, 16);
        io.write(reply);

        byte[] ack;
        try {
            ack = io.read();
        } catch (EOFException e) {
            throw new HandshakeException("connection to " + peerName
                    + " refused: the peer closed it after our challenge reply (the cookies differ)");
        }
        if (ack.length != 17 || ack[0] != 'a') {
            throw new HandshakeException("expected a challenge ack ('a') from " + peerName + ", got " + describe(ack));
        }
        byte[] digest = new byte[16];
        System.arraycopy(ack, 1, digest, 0, 16);
        if (!MessageDigest.isEqual(digest, digest(cookie, ourChallenge))) {
            throw new HandshakeException("connection to " + peerName
                    + " refused: its challenge ack is invalid (the cookies differ)");
        }
        return new Peer(peerName, peerFlags, peerCreation);
    }

    // ------------------------------------------------------------------ helpers

    static byte[] digest(String cookie, int challenge) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(cookie.getBytes(StandardCharsets.ISO_8859_1));
            md5.update(Long.toString(challenge & 0xffffffffL).getBytes(StandardCharsets.ISO_8859_1));
            return md5.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void checkFlags(String peer, long flags) throws HandshakeException {
        long missing = DistFlags.REQUIRED & ~flags;
        if (missing != 0) {
            throw new HandshakeException("node " + describe(peer.getBytes(StandardCharsets.UTF_8))
                    + " lacks required distribution flags 0x"
                    + Long.toHexString(missing) + " (OTP 25 or later is needed)");
        }
    }

    private static void validateName(String name) throws HandshakeException {
        int at = name.indexOf('@');
        if (at <= 0 || at == name.length() - 1 || name.indexOf('@', at + 1) >= 0) {
            throw new HandshakeException("peer sent a malformed node name: " + describe(
                    name.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** The handshake's packets on one socket: 2-byte lengths over TCP, 4-byte over TLS. */
    static final class Framed {
        private final DataInputStream in;
        private final DataOutputStream out;
        private final boolean wide;

        Framed(Socket socket) throws IOException {
            this.in = new DataInputStream(socket.getInputStream());
            this.out = new DataOutputStream(socket.getOutputStream());
            this.wide = socket instanceof javax.net.ssl.SSLSocket;
        }

        byte[] read() throws IOException {
            int len = wide ? in.readInt() : in.readUnsignedShort();
            if (len < 0 || len > 0xffff) {
                throw new HandshakeException("handshake packet of " + Integer.toUnsignedString(len) + " bytes");
            }
            byte[] b = new byte[len];
            in.readFully(b);
            return b;
        }

        void write(byte[] payload) throws IOException {
            if (wide) {
                out.writeInt(payload.length);
            } else {
                out.writeShort(payload.length);
            }
            out.write(payload);
            out.flush();
        }
    }

    /** A short printable form of a packet for log lines. */
    static String describe(byte[] b) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Math.min(b.length, 24); i++) {
            int c = b[i] & 0xff;
            sb.append(c >= 32 && c < 127 ? String.valueOf((char) c) : "\\x" + Integer.toHexString(c));
        }
        return sb.append(b.length > 24 ? "... " : "").append("] (").append(b.length).append(" bytes)").toString();
    }

    /** Reads big-endian fields of a handshake packet, failing cleanly at its end. */
    private static final class Reader {
        private final byte[] b;
        private int pos;

        Reader(byte[] b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        private void need(int n) throws HandshakeException {
            if (pos + n > b.length) {
                throw new HandshakeException("truncated handshake message " + describe(b));
            }
        }

        long u64() throws HandshakeException {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (b[pos++] & 0xff);
            }
            return v;
        }

        int u32() throws HandshakeException {
            need(4);
            int v = 0;
            for (int i = 0; i < 4; i++) {
                v = (v << 8) | (b[pos++] & 0xff);
            }
            return v;
        }

        int u16() throws HandshakeException {
            need(2);
            int v = ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
            pos += 2;
            return v;
        }

        byte[] bytes(int n) throws HandshakeException {
            need(n);
            byte[] r = new byte[n];
            System.arraycopy(b, pos, r, 0, n);
            pos += n;
            return r;
        }

        String string(int n) throws HandshakeException {
            return new String(bytes(n), StandardCharsets.UTF_8);
        }
    }
}
