package io.beambridge.internal.dist;

import io.beambridge.node.Node;
import java.io.IOException;
import java.net.Socket;

/** A socket that completed a real handshake with a node, to send it anything at all. */
record RawPeer(Socket socket, String name) implements AutoCloseable {

    static RawPeer connect(Node target, String alive, String cookie) throws IOException {
        Socket s = new Socket("localhost", target.port());
        s.setSoTimeout(5000);
        s.setTcpNoDelay(true); // the handshake writes a length, then a body: no Nagle delay between them
        String name = alive + Long.toHexString(System.nanoTime()) + "@localhost";
        try {
            Handshake.initiate(s, name, 1, DistFlags.ADVERTISED, cookie, target.name(), () -> true);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return new RawPeer(s, name);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
