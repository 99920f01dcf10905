package io.beambridge.internal.dist;

import io.beambridge.internal.metrics.NodeMetrics;
import io.beambridge.internal.runtime.Carrier;
import io.beambridge.internal.runtime.ProcessTable;
import io.beambridge.internal.runtime.Flushes;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.internal.runtime.Signal;
import io.beambridge.node.ConnectionStats;
import io.beambridge.node.NodeOptions;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One distribution connection after its handshake. A reader thread decodes packets
 * and delivers their signals to the node's processes in order; before it reads again it
 * runs the activations that delivery started and the process threads it woke (it is
 * their {@link Carrier}); while it
 * serves calls so, it looks for more input for a moment (yielding its core to any
 * thread with work) before it blocks in a read, as a BEAM scheduler waits busily. Senders encode on their
 * own thread and queue the frame. Who writes it:
 * <ul>
 * <li>Over plain TCP the socket's channel is non-blocking, and a sender on one of the
 *     runtime's threads (a process's body or activation, this connection's reader) writes
 *     what is queued itself, as far as the socket takes it now; a thread that never waits in
 *     a write can neither deadlock two nodes nor, interrupted, close the socket. What the
 *     socket does not take, frames of {@link #DIRECT_FRAME} or more (a big message's
 *     fragments), and what other threads send (an application thread using a mailbox: its
 *     bursts go out many frames per system call, and it spends no time in one) the writer
 *     thread writes, waiting for room. No thread hand-off per message while the socket has
 *     room.
 * <li>Over TLS an activation of a reactive process (a GenServer's) that another
 *     connection's reader runs writes its own frames; every other sender (process threads,
 *     which are virtual and whose socket an interrupt would close, readers, other threads)
 *     leaves them to the writer thread. Readers never write: a reader blocked on a full
 *     socket could deadlock two nodes.
 * </ul>
 * An activation with more messages waiting holds its writes and makes them together (see
 * {@link Flushes}); under load the writer writes many frames per system call. The writer
 * also ticks when idle and drops the connection after net_ticktime without input. A process
 * sending to a peer whose queue is over the busy limit waits for it to drain (BEAM's
 * busy distribution port). A malformed packet or an unknown control message drops
 * this connection only.
 *
 * <p>The reader and the writer are platform threads while the connection is in use. Over
 * plain TCP, once a reader has waited {@link NodeOptions#idleThreadsAfter()} at a packet
 * boundary, it gives way to a virtual thread that waits for input and skips ticks; the
 * first packet that is not a tick starts a platform reader again, which goes on from the
 * bytes the virtual one read; while it waits, the channel is in blocking mode and only the
 * writer thread writes (a virtual thread waiting in a selector would hold its carrier).
 * The writer likewise: a platform writer with nothing to write for that long (over plain
 * TCP the usual case, senders writing themselves) gives way to a virtual one, which ticks
 * and watches net_ticktime, writes what it is woken for and then starts a platform writer
 * again. An idle connection
 * so costs a few kilobytes of heap, not two thread stacks. (Over TLS the platform threads
 * stay: a read timeout inside a TLS record is not known to leave the stream usable.)
 */
final class Connection implements Flushes.Flushable, NodeMetrics.PeerCounters {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    private static final long READER_STACK = 256L << 20; // deep terms decode recursively
    /**
     * {@link NodeOptions#idleThreadsAfter()}, as the platform reader's socket read timeout at a
     * packet boundary; 0 when the platform threads stay (TLS, or the option is zero).
     */
    private final int idleMillis;
    /** How many activations the reader runs at most between two reads. */
    private static final int RUN_BUDGET = 256;
    /** How long the reader looks for more input before it blocks in a read ({@link NodeOptions#readerSpin()}). */
    private final long spinNanos;
    /** Whether the reader runs the activations it starts ({@link NodeOptions#readersRunProcesses()}). */
    private final boolean runsProcesses;
    /** How long after running activations the reader still counts as serving calls. */
    private static final long SERVING_NANOS = 1_000_000;
    /**
     * Readers looking for input busily at one time, at most half the cores (at least one),
     * JVM-wide: one node serving many peers must not spin a reader per peer (BEAM spins a
     * scheduler, not a port). A reader that finds no room blocks in its read at once.
     */
    private static final java.util.concurrent.Semaphore SPINNERS =
            new java.util.concurrent.Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));

    private final Engine node;
    final String peer;
    final long flags;
    final int peerCreation;
    final boolean peerPublished;
    private final Socket socket;
    private final Socket raw; // the TCP socket under socket (the same one without TLS)
    private final long tickNanos;
    private final long timeoutNanos;
    private final long busyLimit;
    private final long maxMessageSize;

    private final ConcurrentLinkedQueue<Packets.Frame> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final ReentrantLock busyLock = new ReentrantLock();
    private final Condition drained = busyLock.newCondition();
    private volatile int pacers; // senders of fragmented messages waiting for the queue to shrink (under busyLock)
    private static final byte[] TICK = new byte[4];
    /**
     * How many bytes may wait in the queue when the sender of a fragmented message queues
     * its next fragment; past it, the sender waits until half of it is written. What other
     * senders queue meanwhile waits behind at most this much of it (erts: the busy limit,
     * 1 MB by default).
     */
    static final long FRAGMENT_WINDOW = 8L * Packets.FRAGMENT_SIZE;
    private final AtomicLong fragmentSeq = new AtomicLong();
    private final ReentrantLock writeLock = new ReentrantLock();
    /**
     * The TCP socket's channel when the connection is plain TCP, else null (TLS, whose
     * socket's streams only the writer thread and other connections' activations write to).
     * Non-blocking while the reader is a platform thread: any thread then writes what is
     * queued itself and never waits, leaving what the socket does not take to the writer
     * thread (see {@link #flush()}). Blocking while an idle connection's virtual reader
     * waits in a read ({@link #toBlocking}); then only the writer thread writes.
     */
    private final java.nio.channels.SocketChannel channel;
    /** The channel is in blocking mode: only the writer thread writes. Changed under writeLock. */
    private volatile boolean blockingMode;
    /**
     * A frame this long or longer is written by the writer thread, never by a sender that
     * may not wait: the bytes it leaves in the gather buffer stay small.
     */
    static final int DIRECT_FRAME = 32 * 1024;
    // guarded by writeLock; never closed: closing a TLS socket's stream sends close_notify,
    // which an OTP peer answers through its TLS sender (see closeGracefully)
    private final Outbound out;
    private final AtomCache.Out atomCache; // guarded by writeLock; null when the atom cache is not in force
    private final Packets.Bytes header = new Packets.Bytes(); // guarded by writeLock
    private volatile long lastWrite = System.nanoTime();
    private volatile long lastFrames = lastWrite; // lastWrite but for ticks
    private volatile boolean writerParked;
    /** A platform reader took over from an idle one: a virtual writer hands over to a platform one too. */
    private volatile boolean platformWriterWanted;
    private volatile boolean closing; // graceful: write what is queued, then close
    private volatile boolean closed;
    private Thread closer; // the thread that closes it; guarded by this
    private final java.util.concurrent.CountDownLatch closeDone = new java.util.concurrent.CountDownLatch(1);
    private static final long CLOSE_WAIT_MILLIS = 5_000;
    private volatile long bytesRead; // written by the reader only; the writer watches it for net_ticktime
    private volatile long framesWritten; // written under writeLock
    private volatile long framesRead;
    private volatile long busyWaits; // written under busyLock
    private volatile boolean intakeStopped; // a graceful node stop: what arrives is dropped
    private volatile Thread reader; // replaced when its carrier is taken over
    // the reader's state, handed from one reader thread to the next at a packet boundary
    private final Packets.Reader packets;
    private volatile ReaderInput input; // volatile: close wakes its selector
    private volatile Thread writer; // replaced when it gives way to a virtual thread and back
    private volatile boolean started; // start() ran: a thread not started yet is a successor about to start

    Connection(Engine node, Socket socket, Socket raw, Handshake.Peer peer, NodeOptions options) {
        this.node = node;
        this.socket = socket;
        this.raw = raw;
        this.peer = peer.name();
        this.flags = DistFlags.ADVERTISED & peer.flags();
        this.peerPublished = (peer.flags() & DistFlags.PUBLISHED) != 0;
        this.peerCreation = peer.creation();
        this.timeoutNanos = options.tickTime().toNanos();
        this.tickNanos = timeoutNanos / 4;
        this.busyLimit = options.busyLimit();
        this.maxMessageSize = options.maxMessageSize();
        this.spinNanos = options.readerSpin().toNanos();
        this.runsProcesses = options.readersRunProcesses();
        this.idleMillis = raw != socket ? 0 : (int) Math.max(options.idleThreadsAfter().isZero() ? 0 : 1,
                Math.min(Integer.MAX_VALUE, options.idleThreadsAfter().toMillis()));
        this.channel = raw == socket ? raw.getChannel() : null;
        try {
            if (channel != null) {
                channel.configureBlocking(false); // after the handshake, which read and wrote blocking
                this.out = new ChannelOut(channel);
            } else {
                this.out = new GatherStream(socket.getOutputStream());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        this.atomCache = (flags & DistFlags.DIST_HDR_ATOM_CACHE) != 0 ? new AtomCache.Out() : null;
        this.packets = new Packets.Reader(maxMessageSize, node.name(), flags);
        this.reader = newReader(true);
        this.writer = newWriter(true);
    }

    private Thread newWriter(boolean platform) {
        String name = "beambridge-writer-" + peer;
        if (!platform) {
            return Thread.ofVirtual().name(name).unstarted(this::writeLoop);
        }
        Thread t = new Thread(this::writeLoop, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts {@code next} to go on with this writer's work; the calling writer then ends. */
    private void handOverWriter(Thread next) {
        writer = next; // before it runs: wakeWriter and close unpark this one from now on
        next.start();
    }

    /** A platform reader ({@link #readLoop}), or the virtual reader of an idle connection ({@link #idleRead}). */
    private Thread newReader(boolean platform) {
        String name = "beambridge-reader-" + peer;
        if (!platform) {
            return Thread.ofVirtual().name(name).unstarted(this::idleRead);
        }
        Thread t = !runsProcesses ? new Thread(null, this::readLoop, name, READER_STACK)
                : new Carrier.CarrierThread(name, READER_STACK, this::readLoop,
                        () -> handOverReader(newReader(true))); // the old one ends once the run that keeps it returns
        t.setDaemon(true);
        return t;
    }

    /** Starts {@code next} to go on from the packet boundary the current reader left the input at. */
    private void handOverReader(Thread next) {
        reader = next; // before it runs: sends from it and closeGracefully see it from now on
        next.start();
    }

    void start() {
        started = true;
        writer.start();
        reader.start();
    }

    boolean isOpen() {
        return !closed && !closing;
    }

    // ------------------------------------------------------------------ sending

    /**
     * Queues a signal. With {@code mayWait}, a caller finding the queue over the busy
     * limit waits until the writer drains it below (or the connection closes). A message
     * over {@value Packets#FRAGMENT_SIZE} bytes goes in fragments (see {@link #sendFragments}).
     *
     * @return false when the connection is closed
     */
    boolean send(Signal s, boolean mayWait) {
        ControlMessages.Wire wire = ControlMessages.encode(s, flags);
        if (wire == null) {
            log.debug("{} cannot receive {}; dropped", peer, s.getClass().getSimpleName());
            return true;
        }
        Packets.Encoded m = Packets.encode(wire, flags);
        int n = m.packets(flags);
        if (n == 1) {
            return enqueue(m.whole(), mayWait, true);
        }
        return sendFragments(m, n, mayWait);
    }

    /**
     * Queues a message's fragments for the writer thread, keeping at most about
     * {@link #FRAGMENT_WINDOW} bytes queued, so that the messages other
     * senders queue meanwhile go out between them (as erts interleaves fragments with other
     * messages) and a big message does not hold up small ones. The sending thread returns
     * once the last fragment is queued, so what it sends next follows the whole message. A
     * thread that must not wait on this connection (a reader) queues them all at once.
     */
    private boolean sendFragments(Packets.Encoded m, int n, boolean mayWait) {
        long seq = fragmentSeq.incrementAndGet();
        Thread t = Thread.currentThread();
        boolean paced = mayWait && t != reader && !(t instanceof Carrier.CarrierThread);
        for (int i = 0; i < n; i++) {
            if (paced && i > 0 && queuedBytes.get() > FRAGMENT_WINDOW) {
                awaitQueuedAtMost(FRAGMENT_WINDOW / 2);
            }
            if (!enqueue(m.fragment(seq, i, n), mayWait && i == 0, false)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Queues a frame and sees it written: an activation of a reactive process run by a
     * platform thread (another connection's reader) writes its own frames, or holds them
     * while it has more messages waiting (see {@link Flushes}); for any other thread (a
     * process body, a reader, an activation on a process thread), and for the fragments of
     * a big message, the writer thread writes, many frames per system call under load.
     * A virtual thread never writes to the socket: when one is interrupted (a process is
     * killed) while its write waits on a full socket, the JDK closes the socket, and the
     * connection would go with it.
     *
     * @param direct whether this thread may write the frame itself
     */
    private boolean enqueue(Packets.Frame frame, boolean mayWait, boolean direct) {
        if (closed || closing) {
            return false;
        }
        if (mayWait && queuedBytes.get() > busyLimit) {
            awaitDrain();
        }
        queuedBytes.addAndGet(frame.queued());
        queue.add(frame);
        if (channel != null) {
            if (!direct || frame.len >= DIRECT_FRAME || blockingMode
                    || !(Thread.currentThread() == reader || LocalProc.onProcessThread())) {
                // a fragment, a big frame, an idle connection, a thread not the runtime's: the writer thread
                wakeWriter();
                return true;
            }
            Flushes f = Flushes.current();
            if (f != null && f.holding()) {
                f.hold(this); // the activation has more messages: written with the next ones
            } else {
                flush(); // written now by this thread, as far as the socket takes it
            }
            return true;
        }
        Thread t = Thread.currentThread();
        Flushes f = !direct || t == reader || t.isVirtual() ? null : Flushes.current();
        if (f == null) {
            wakeWriter(); // a process thread, a reader, a fragment, any other thread: the writer thread batches
        } else if (f.holding()) {
            f.hold(this); // the activation has more messages: written with the next ones
        } else {
            flush(); // the activation's last message: written now, on this thread
        }
        return true;
    }

    private void wakeWriter() {
        if (writerParked) {
            writerParked = false;
            LockSupport.unpark(writer);
        }
    }

    /**
     * Writes what is queued from the calling thread, unless another thread is writing
     * (it then writes this thread's frames too: every writer, once it lets go of the
     * lock, looks at the queue again). Over plain TCP any thread may call it: it writes
     * without waiting, and what the socket does not take now (or a frame of
     * {@link #DIRECT_FRAME} or more) is left to the writer thread. Over TLS a reader never
     * calls it: a reader blocked on a full socket could deadlock two nodes that both stop
     * reading.
     */
    @Override
    public void flush() {
        IOException failed = null;
        boolean left = false;
        while (!queue.isEmpty() && !closed && writeLock.tryLock()) {
            try {
                if (channel == null) {
                    drainLocked(true);
                } else if (blockingMode || !drainLocked(false)) {
                    left = true;
                    break;
                }
            } catch (IOException e) {
                failed = e;
                break;
            } finally {
                writeLock.unlock();
            }
        }
        if (left) {
            wakeWriter();
        }
        if (failed != null && !closed) {
            close("write failed: " + failed.getMessage());
        }
    }

    /**
     * Writes the queued frames, in queue order (the atom cache's headers are made here,
     * so that each refers to what the packets before it told the peer), then flushes the
     * socket. Call with writeLock held. With {@code mayWait} (the writer thread, or over
     * TLS) it writes every frame and waits for the socket to take them; without, it stops
     * at a frame of {@link #DIRECT_FRAME} or more, or once a gather buffer's worth waits
     * for the socket, and writes only what the socket takes now.
     *
     * @return false when it left work for the writer thread: a frame it may not write, or
     *     bytes the socket did not take (frames other threads queue meanwhile do not count:
     *     the caller looks at the queue again)
     */
    private boolean drainLocked(boolean mayWait) throws IOException {
        Packets.Frame f;
        boolean wrote = false;
        boolean stopped = false;
        out.mayWait = mayWait;
        while ((f = queue.peek()) != null) {
            if (!mayWait) {
                if (f.len >= DIRECT_FRAME) {
                    stopped = true;
                    break;
                }
                if (out.buffered() >= Buffers.MAX) {
                    out.flush(false);
                    if (out.buffered() >= Buffers.MAX) {
                        stopped = true;
                        break; // the socket is full: the writer thread waits for it
                    }
                }
            }
            queue.poll(); // the frame peeked: only writeLock's holder takes frames
            f.writeTo(out, atomCache, header);
            framesWritten++;
            wrote = true;
            int size = f.queued();
            long left = queuedBytes.addAndGet(-size);
            if ((left <= busyLimit && left + size > busyLimit) || (pacers > 0 && left <= FRAGMENT_WINDOW / 2)) {
                signalDrained();
            }
        }
        if (wrote || out.hasPending()) {
            out.flush(mayWait);
            lastWrite = System.nanoTime();
            lastFrames = lastWrite;
        }
        return !stopped && !out.hasPending();
    }

    private void awaitDrain() {
        busyLock.lock();
        try {
            if (queuedBytes.get() > busyLimit && !closed) {
                busyWaits++;
            }
            while (queuedBytes.get() > busyLimit && !closed) {
                drained.await(100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            busyLock.unlock();
        }
    }

    /**
     * Writes what senders without a thread of their own to write on queued (process
     * bodies, readers, other threads), many frames per system call under load; ticks
     * when nothing was written for a tick interval; drops the connection after
     * net_ticktime without input.
     */
    private void writeLoop() {
        org.slf4j.MDC.put(ProcessTable.MDC_PEER, peer);
        boolean platform = !Thread.currentThread().isVirtual();
        if (platform) {
            platformWriterWanted = false;
        }
        long seenRead = bytesRead;
        long lastReadSeen = System.nanoTime(); // when the writer last saw bytesRead move
        long lastWork = lastReadSeen; // when this writer last wrote what it was woken for, or saw others write
        long idleNanos = platform ? idleMillis * 1_000_000L : 0; // a platform writer idle this long hands over
        try {
            while (true) {
                if (!queue.isEmpty() || out.hasPending()) {
                    writeLock.lock();
                    try {
                        drainLocked(true);
                    } finally {
                        writeLock.unlock();
                    }
                    if (!platform && !closing && !closed) {
                        handOverWriter(newWriter(true)); // in use again: a platform writer goes on
                        return;
                    }
                    lastWork = System.nanoTime();
                    continue;
                }
                if (closing) {
                    writeLock.lock(); // a sender may be writing: let it finish
                    try {
                        drainLocked(true);
                    } finally {
                        writeLock.unlock();
                    }
                    break;
                }
                if (closed) {
                    break;
                }
                if (!platform && platformWriterWanted) {
                    platformWriterWanted = false;
                    handOverWriter(newWriter(true)); // the connection is in use again
                    return;
                }
                writerParked = true;
                if (!queue.isEmpty() || out.hasPending() || closed || closing) {
                    writerParked = false;
                    continue;
                }
                long now = System.nanoTime();
                long read = bytesRead;
                if (read != seenRead) {
                    seenRead = read;
                    lastReadSeen = now;
                } else if (now - lastReadSeen > timeoutNanos) {
                    writerParked = false;
                    String why = "net_tick_timeout: nothing received for "
                            + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s";
                    log.warn("connection to {} lost: {}", peer, why);
                    close(why);
                    break;
                }
                lastWork = Math.max(lastWork, lastFrames); // senders writing themselves: in use all the same
                if (idleNanos > 0 && now - lastWork >= idleNanos) {
                    writerParked = false;
                    if (writeLock.tryLock()) {
                        try {
                            out.release(); // made again by the next write (and its selector, if it needs one)
                        } finally {
                            writeLock.unlock();
                        }
                    }
                    handOverWriter(newWriter(false)); // idle: a virtual thread ticks and waits
                    return;
                }
                long idle = now - lastWrite;
                if (idle >= tickNanos) {
                    writerParked = false;
                    if (writeLock.tryLock()) { // else someone is writing: no tick needed
                        try {
                            out.tick();
                            lastWrite = System.nanoTime();
                        } finally {
                            writeLock.unlock();
                        }
                    }
                    continue;
                }
                // wake for the next tick, and at least every tick interval to watch the reads
                long wait = Math.min(tickNanos - idle, Math.max(1, timeoutNanos - (now - lastReadSeen)));
                if (idleNanos > 0) {
                    wait = Math.min(wait, Math.max(1, idleNanos - (now - lastWork)));
                }
                LockSupport.parkNanos(this, wait);
                writerParked = false;
            }
        } catch (IOException e) {
            if (!closed) {
                close("write failed: " + e.getMessage());
            }
        } finally {
            signalDrained(); // a graceful close (closing) is finished by closeGracefully
            if (closed || closing) {
                writeLock.lock();
                try {
                    out.closeSelector();
                } finally {
                    writeLock.unlock();
                }
            }
        }
    }

    /** Waits until the queue holds at most {@code limit} bytes (or the connection closes). */
    private void awaitQueuedAtMost(long limit) {
        if (queuedBytes.get() <= limit) {
            return;
        }
        busyLock.lock();
        try {
            pacers++; // before the check: a writer that drains below the limit after it signals
            while (queuedBytes.get() > limit && !closed) {
                drained.await(100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pacers--;
            busyLock.unlock();
        }
    }

    private void signalDrained() {
        busyLock.lock();
        try {
            drained.signalAll();
        } finally {
            busyLock.unlock();
        }
    }

    // ------------------------------------------------------------------ receiving

    private void readLoop() {
        org.slf4j.MDC.put(ProcessTable.MDC_PEER, peer);
        Carrier carrier = Thread.currentThread() instanceof Carrier.CarrierThread t ? t.carrier() : null;
        String why = "closed by peer";
        try {
            if (input == null) { // the first reader; a later one goes on from the packet its predecessor left at
                input = new ReaderInput(channel != null ? new ChannelInput(channel)
                        : new StreamInput(socket, raw == socket ? null : raw.getInputStream()));
            }
            ReaderInput in = input;
            // 0: block (the writer closes the socket after net_ticktime without input); else a wait
            // that long at a packet boundary hands the reading over to a virtual thread (idleRead)
            in.source.timeout(idleMillis);
            long served = System.nanoTime() - SERVING_NANOS; // when it last ran activations
            byte[] header = new byte[4];
            PacketSource source = new PacketSource(in, carrier);
            while (!closed) {
                if (blockingMode) {
                    toNonBlocking(); // after an idle reader
                }
                if (in.isEmpty() && carrier != null) {
                    long now = System.nanoTime();
                    if (carrier.hasQueued()) {
                        if (!carrier.runQueued(RUN_BUDGET)) {
                            return; // taken over: another reader goes on from here
                        }
                        served = now;
                    }
                    // Serving calls lately, the next input may be near. (Not when it only delivers to
                    // processes of the JDK's scheduler: waiting busily would take a core from them.)
                    if (now - served < SERVING_NANOS && spinNanos > 0 && SPINNERS.tryAcquire()) {
                        try {
                            in.awaitInput(spinNanos);
                        } finally {
                            SPINNERS.release();
                        }
                    }
                }
                if (idleMillis > 0 && in.isEmpty()) {
                    if (carrier != null && carrier.hasQueued()) {
                        carrier.handOff(); // as readFully does before it blocks
                    }
                    int n;
                    try {
                        n = in.fill();
                    } catch (java.net.SocketTimeoutException idle) {
                        if (!toBlocking()) {
                            continue; // frames are being written: still in use
                        }
                        handOverReader(newReader(false));
                        return; // the virtual reader goes on
                    }
                    if (n < 0) {
                        throw new EOFException();
                    }
                }
                readFully(in, carrier, header, 0, 4);
                int len = ((header[0] & 0xff) << 24) | ((header[1] & 0xff) << 16) | ((header[2] & 0xff) << 8)
                        | (header[3] & 0xff);
                if (len == 0) {
                    continue; // tick
                }
                if (len < 0 || len > maxMessageSize) {
                    why = "packet of " + Integer.toUnsignedString(len) + " bytes exceeds the maximum message size of "
                            + maxMessageSize + " bytes";
                    log.warn("dropping connection to {}: {}", peer, why);
                    break;
                }
                Packets.Message m;
                Signal s;
                try {
                    m = packets.read(source, len);
                    framesRead++;
                    if (len >= ReaderInput.DIRECT_READ) {
                        in.expectHeader(4 + Packets.Reader.FRAGMENT_HEAD);
                    }
                    if (m == null) {
                        continue;
                    }
                    s = ControlMessages.decode(m.control(), m.payload(), node.name());
                    ControlMessages.checkSender(s, peer);
                } catch (Packets.MalformedPacketException | ControlMessages.MalformedException e) {
                    why = e.getMessage();
                    log.warn("dropping connection to {}: {}", peer, why);
                    break;
                }
                if (intakeStopped) {
                    continue; // the node is stopping: the sender sees it go down
                }
                try {
                    node.table().deliver(s);
                } catch (RuntimeException e) {
                    log.error("delivering {} from {} failed", s, peer, e);
                }
            }
        } catch (EOFException e) {
            why = "closed by peer";
        } catch (IOException e) {
            why = closed ? "closed" : "read failed: " + e.getMessage();
        } catch (Throwable t) {
            why = "reader failed: " + t;
            log.error("reader of connection to {} failed", peer, t);
        }
        close(why);
        if (input != null) {
            input.source.close();
        }
    }

    /**
     * Over plain TCP, puts the channel in blocking mode for an idle connection's virtual
     * reader, which waits in a read as the JDK lets a virtual thread wait (a selector would
     * hold a carrier): only the writer thread writes then. False when frames wait to be
     * written: the connection is in use after all.
     */
    private boolean toBlocking() throws IOException {
        if (channel == null) {
            return true;
        }
        if (!writeLock.tryLock()) {
            return false;
        }
        try {
            if (out.hasPending() || !queue.isEmpty()) {
                return false;
            }
            input.source.close(); // a blocking channel may have no selector
            out.closeSelector();
            channel.configureBlocking(true);
            blockingMode = true;
        } finally {
            writeLock.unlock();
        }
        if (!queue.isEmpty()) {
            wakeWriter(); // queued by a sender that found writeLock taken here
        }
        return true;
    }

    /**
     * Over plain TCP, the channel back in non-blocking mode, by a platform reader after an
     * idle one, at a packet boundary. Not while the writer thread writes (it may wait on a
     * full socket, and this reader must go on reading): the reader then reads in blocking
     * mode and tries again at the next packet.
     */
    private void toNonBlocking() throws IOException {
        if (!writeLock.tryLock()) {
            return;
        }
        try {
            channel.configureBlocking(false);
            blockingMode = false;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Reads exactly {@code len} bytes, counting them for the writer's net_ticktime watch.
     * Activations still waiting on the carrier when the reader must block inside a packet
     * go to the default scheduler.
     */
    private void readFully(ReaderInput in, Carrier carrier, byte[] b, int off, int len) throws IOException {
        len += off;
        while (off < len) {
            if (carrier != null && in.isEmpty() && carrier.hasQueued()) {
                carrier.handOff();
            }
            int n;
            try {
                n = in.read(b, off, len - off);
            } catch (java.net.SocketTimeoutException slow) {
                continue; // the idle timeout, inside a packet: go on waiting for the rest
            }
            if (n < 0) {
                throw new EOFException();
            }
            off += n;
            bytesRead += n;
        }
    }

    /**
     * A packet's bytes, for {@link Packets.Reader#read(Packets.Source, int)}: from the
     * reader's input, into buffers kept for the next packet (4 KB, and one for a fragment
     * of erts's size once one came), which go when the reader does.
     */
    private final class PacketSource extends Packets.Source {
        private final ReaderInput in;
        private final Carrier carrier;
        private final byte[] small = new byte[4096];
        private byte[] fragment; // Packets.Reader.WHOLE_UP_TO bytes, made for the first packet that needs it

        PacketSource(ReaderInput in, Carrier carrier) {
            this.in = in;
            this.carrier = carrier;
        }

        @Override
        void readFully(byte[] b, int off, int len) throws IOException {
            Connection.this.readFully(in, carrier, b, off, len);
        }

        @Override
        byte[] buffer(int len) {
            if (len <= small.length) {
                return small;
            }
            if (len <= Packets.Reader.WHOLE_UP_TO) {
                if (fragment == null) {
                    fragment = new byte[Packets.Reader.WHOLE_UP_TO];
                }
                return fragment;
            }
            return new byte[len];
        }
    }

    /**
     * The reader of an idle connection, a virtual thread (see the class comment): waits for
     * input, skips ticks, and starts a platform reader for anything else, which goes on from
     * the bytes read here.
     */
    private void idleRead() {
        org.slf4j.MDC.put(ProcessTable.MDC_PEER, peer);
        String why;
        try {
            ReaderInput in = input;
            in.source.timeout(0);
            in.shrink(); // the platform reader's buffer is made again by the reader that takes over
            while (!closed) {
                if (in.isEmpty() && in.fill() < 0) {
                    throw new EOFException();
                }
                while (in.skipTick()) {
                    bytesRead += 4;
                }
                if (!in.isEmpty()) {
                    handOverReader(newReader(true)); // which puts the channel back in non-blocking mode
                    platformWriterWanted = true; // in use again: both platform threads, as before it went idle
                    LockSupport.unpark(writer);
                    return;
                }
            }
            return;
        } catch (EOFException e) {
            why = "closed by peer";
        } catch (IOException e) {
            why = closed ? "closed" : "read failed: " + e.getMessage();
        }
        close(why);
    }

    /** The reader's buffered input. */
    private static final class ReaderInput {
        private static final int IDLE_BUFFER = 64;
        /** A read of this many bytes, with nothing buffered, goes straight to the caller's array. */
        static final int DIRECT_READ = 8 * 1024;
        final Input source;
        private byte[] buf = new byte[Buffers.MIN]; // Buffers.MAX while reads fill it
        private long lastFull; // when a read last filled buf
        private int fillLimit = Integer.MAX_VALUE; // for the next fill only (expectHeader)
        private int pos;
        private int count;

        ReaderInput(Input source) {
            this.source = source;
        }

        boolean isEmpty() {
            return pos == count;
        }

        /** For an idle connection: a buffer as big as a few ticks, once what is buffered is read. */
        void shrink() {
            if (pos == count) {
                buf = new byte[IDLE_BUFFER];
                pos = 0;
                count = 0;
            }
        }

        /**
         * Reads what the socket has into the empty buffer, blocking until something is there
         * (or the socket's timeout passes): the count, or -1 at the end. A read that fills the
         * buffer makes it {@link Buffers#MAX} for the next; a small one a second after makes it
         * {@link Buffers#MIN} again.
         */
        int fill() throws IOException {
            if (buf.length < Buffers.MIN && !Thread.currentThread().isVirtual()) {
                buf = new byte[Buffers.MIN]; // a platform reader after an idle one: empty here
            }
            return filled(source.read(buf, 0, Math.min(buf.length, fillLimit)));
        }

        /** Takes {@code n} bytes read into the empty buffer (see {@link #fill}). */
        private int filled(int n) {
            fillLimit = Integer.MAX_VALUE;
            if (n <= 0) {
                return n;
            }
            pos = 0;
            count = n;
            if (n == buf.length && n >= Buffers.MIN) {
                lastFull = System.nanoTime();
                if (buf.length < Buffers.MAX) { // more is coming: read it in larger pieces
                    byte[] big = new byte[Buffers.MAX];
                    System.arraycopy(buf, 0, big, 0, n);
                    buf = big;
                }
            } else if (buf.length > Buffers.MIN && n <= Buffers.MIN && Buffers.quiet(lastFull)) {
                byte[] small = new byte[Buffers.MIN];
                System.arraycopy(buf, 0, small, 0, n);
                buf = small;
            }
            return n;
        }

        /** Consumes a tick (four zero bytes) at the start of the buffer, if one is there whole. */
        boolean skipTick() {
            if (count - pos >= 4 && buf[pos] == 0 && buf[pos + 1] == 0 && buf[pos + 2] == 0 && buf[pos + 3] == 0) {
                pos += 4;
                return true;
            }
            return false;
        }

        /**
         * Looks for input for up to {@code nanos} before the next read blocks: a peer
         * that answers within that time wakes no thread (BEAM's schedulers wait busily too).
         */
        void awaitInput(long nanos) throws IOException {
            if (nanos <= 0) {
                return;
            }
            if (buf.length < Buffers.MIN) {
                buf = new byte[Buffers.MIN];
            }
            long deadline = System.nanoTime() + nanos;
            while (true) {
                int n = source.poll(buf, 0, Math.min(buf.length, fillLimit));
                if (n != 0) {
                    filled(n); // bytes read, or something for the next read to take (the end, or TLS input)
                    return;
                }
                if (System.nanoTime() >= deadline) {
                    return;
                }
                Thread.yield(); // a thread that has work on this core gets it
            }
        }

        /**
         * Makes the next fill read at most {@code n} bytes: after a large packet, whose
         * bytes were read straight into their array, the next is likely large too (a
         * fragment), and reading only its headers lets its bytes go straight to theirs.
         */
        void expectHeader(int n) {
            fillLimit = n;
        }

        int read(byte[] b, int off, int len) throws IOException {
            if (pos == count) {
                if (len >= DIRECT_READ) {
                    return source.read(b, off, len);
                }
                int n = fill();
                if (n <= 0) {
                    return n;
                }
            }
            int k = Math.min(len, count - pos);
            System.arraycopy(buf, pos, b, off, k);
            pos += k;
            return k;
        }
    }

    /** Where the reader's bytes come from: the socket's stream (TLS), or the TCP channel. */
    private interface Input {
        /** {@link Input#poll}: input is there, for the next {@link Input#read} to take. */
        int MORE = -2;

        /**
         * Reads at least one byte, waiting for it (until the read timeout, with a
         * {@link java.net.SocketTimeoutException}): the count, or -1 at the end.
         */
        int read(byte[] b, int off, int len) throws IOException;

        /** Without waiting: the count read, 0 when nothing is there, -1 at the end, or {@link #MORE}. */
        int poll(byte[] b, int off, int len) throws IOException;

        /** The read timeout in milliseconds, 0 for none. */
        void timeout(int millis) throws IOException;

        /** Lets go of what waiting for input holds (a selector); made again when needed. */
        default void close() {}
    }

    /** A socket's stream: TLS (or a socket without a channel). */
    private record StreamInput(Socket socket, InputStream in, InputStream rawIn) implements Input {
        StreamInput(Socket socket, InputStream rawIn) throws IOException {
            this(socket, socket.getInputStream(), rawIn); // rawIn: the TCP socket's under TLS, where input shows first
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }

        @Override
        public int poll(byte[] b, int off, int len) throws IOException {
            return in.available() > 0 || (rawIn != null && rawIn.available() > 0) ? MORE : 0;
        }

        @Override
        public void timeout(int millis) throws IOException {
            socket.setSoTimeout(millis);
        }
    }

    /**
     * The TCP channel. Non-blocking (a platform reader): a read that finds nothing waits in
     * a selector of its own, opened when first needed and closed when the connection goes
     * idle, when {@link Connection#close} wakes it. Blocking (an idle connection's virtual
     * reader, and the platform reader after it until it puts the channel back): a plain read.
     */
    private static final class ChannelInput implements Input {
        /** At most this much per read: the JDK copies through a temporary direct buffer this big. */
        private static final int MAX_READ = 128 * 1024;
        private final java.nio.channels.SocketChannel ch;
        private volatile java.nio.channels.Selector selector; // the reader's; woken by close from another thread
        private int timeoutMillis;

        ChannelInput(java.nio.channels.SocketChannel ch) {
            this.ch = ch;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b, off, Math.min(len, MAX_READ));
            if (ch.isBlocking()) {
                return ch.read(bb);
            }
            long deadline = timeoutMillis == 0 ? 0 : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (true) {
                int n = ch.read(bb);
                if (n != 0) {
                    return n;
                }
                long wait = 0;
                if (deadline != 0) {
                    wait = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (wait <= 0) {
                        throw new java.net.SocketTimeoutException("no input for " + timeoutMillis + " ms");
                    }
                }
                java.nio.channels.Selector sel = selector;
                if (sel == null) {
                    sel = java.nio.channels.Selector.open();
                    selector = sel; // before register: close wakes it from now on, or register finds the channel closed
                    ch.register(sel, java.nio.channels.SelectionKey.OP_READ);
                }
                sel.select(k -> { }, wait);
            }
        }

        @Override
        public int poll(byte[] b, int off, int len) throws IOException {
            if (ch.isBlocking()) {
                return MORE; // a read would wait: the next read does
            }
            return ch.read(java.nio.ByteBuffer.wrap(b, off, Math.min(len, MAX_READ)));
        }

        @Override
        public void timeout(int millis) {
            timeoutMillis = millis;
        }

        /** Wakes a reader waiting in the selector (the channel was closed). Any thread. */
        void wakeup() {
            java.nio.channels.Selector sel = selector;
            if (sel != null) {
                sel.wakeup();
            }
        }

        @Override
        public void close() {
            java.nio.channels.Selector sel = selector;
            selector = null;
            closeQuietly(sel);
        }
    }

    /** Closes a reader's or writer's selector, if there is one (which deregisters the channel from it). */
    private static void closeQuietly(java.nio.channels.Selector selector) {
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException e) {
                log.debug("closing a selector: {}", e.toString());
            }
        }
    }

    /** A graceful node stop: from now on what the peer sends is read and dropped (the connection closes soon). */
    void stopIntake() {
        intakeStopped = true;
    }

    @Override
    public long bytesIn() {
        return bytesRead;
    }

    @Override
    public long bytesOut() {
        return out.bytes;
    }

    @Override
    public long messagesIn() {
        return framesRead;
    }

    @Override
    public long messagesOut() {
        return framesWritten;
    }

    @Override
    public long queuedBytes() {
        return queuedBytes.get();
    }

    @Override
    public long busyWaits() {
        return busyWaits;
    }

    ConnectionStats stats() {
        return new ConnectionStats(framesWritten, out.writes, out.bytes, framesRead, queuedBytes.get());
    }

    /**
     * The sizes of a connection's two buffers (what the reader reads ahead, what the
     * writers gather into one system call): {@link #MIN} while the connection is quiet,
     * {@link #MAX} while data streams, back to {@code MIN} a second after the last read or
     * write that needed more. An idle connection keeps 8 KB of buffers, not 128 KB.
     */
    private static final class Buffers {
        static final int MIN = 1 << 12;
        static final int MAX = 1 << 16;
        private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

        static boolean quiet(long lastBusy) {
            return System.nanoTime() - lastBusy > QUIET_NANOS;
        }
    }

    /**
     * Where frames go, under writeLock: gathered for one write to the socket (see
     * {@link Buffers}); bytes of {@code MAX} or more in one piece are written straight from
     * their own array. Counts the writes that reach the socket.
     */
    private abstract static class Outbound extends OutputStream {
        volatile long writes; // written under writeLock
        volatile long bytes;
        /** Whether the writes in progress may wait for the socket (drainLocked's). Under writeLock. */
        boolean mayWait = true;

        @Override
        public final void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        /** Bytes gathered and not yet on the socket. */
        abstract int buffered();

        /** Whether bytes wait for the socket after a flush that could not wait (read by any thread). */
        boolean hasPending() {
            return false;
        }

        /**
         * Writes what is gathered; with {@code mayWait}, all of it, waiting for the socket
         * to take it; without, what the socket takes now (the rest is {@link #hasPending pending}).
         */
        abstract void flush(boolean mayWait) throws IOException;

        @Override
        public final void flush() throws IOException {
            flush(true);
        }

        /** A tick (four zero bytes), when nothing is gathered. */
        abstract void tick() throws IOException;

        /** Lets go of the buffer of an idle connection, when it holds nothing. */
        abstract void release();

        /** Lets go of the selector a writer waits in for room, if there is one. */
        void closeSelector() {}
    }

    /** Over TLS: the socket's stream, which blocks while the socket is full. */
    private static final class GatherStream extends Outbound {
        private final OutputStream out;
        private byte[] buf = new byte[Buffers.MIN]; // null while the connection is idle (release)
        private int count;
        private long lastFull; // when a write last needed more than MIN

        GatherStream(OutputStream out) {
            this.out = out;
        }

        @Override
        void release() {
            if (count == 0) {
                buf = null;
            }
        }

        @Override
        int buffered() {
            return count;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len >= Buffers.MAX) {
                writeBuffer();
                written(b, off, len);
                return;
            }
            if (buf == null) {
                buf = new byte[Buffers.MIN];
            }
            if (count + len > buf.length) {
                if (buf.length < Buffers.MAX) {
                    lastFull = System.nanoTime();
                    byte[] big = new byte[Buffers.MAX];
                    System.arraycopy(buf, 0, big, 0, count);
                    buf = big;
                }
                if (count + len > buf.length) {
                    writeBuffer();
                }
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        private void written(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            writes++;
            bytes += len;
        }

        private void writeBuffer() throws IOException {
            if (count > 0) {
                written(buf, 0, count);
                count = 0;
            }
        }

        @Override
        void flush(boolean mayWait) throws IOException {
            if (count > Buffers.MIN) {
                lastFull = System.nanoTime();
            }
            writeBuffer();
            out.flush();
            if (buf != null && buf.length > Buffers.MIN && Buffers.quiet(lastFull)) {
                buf = new byte[Buffers.MIN];
            }
        }

        @Override
        void tick() throws IOException {
            written(TICK, 0, TICK.length); // past the gather buffer, empty whenever writeLock is free
            out.flush();
        }
    }

    /**
     * Over plain TCP: the non-blocking channel. The gather buffer is direct (no copy through
     * a temporary one); what the socket does not take stays in it, pending, in order before
     * anything gathered later, until a flush that may wait (the writer thread's) writes it,
     * waiting in a selector of its own for room. In blocking mode (an idle connection) a
     * write waits in the channel.
     */
    private final class ChannelOut extends Outbound {
        /** Bytes written from their own array go in slices of this many (see ChannelInput.MAX_READ). */
        private static final int MAX_WRITE = 128 * 1024;
        private final java.nio.channels.SocketChannel ch;
        private java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(Buffers.MIN); // null while idle
        private int start; // [start, count): gathered, not yet on the socket
        private int count;
        private long lastFull;
        private volatile boolean pending; // start < count after a flush
        private java.nio.channels.Selector selector; // the writer's, while it may need one

        ChannelOut(java.nio.channels.SocketChannel ch) {
            this.ch = ch;
        }

        @Override
        int buffered() {
            return count - start;
        }

        @Override
        boolean hasPending() {
            return pending;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len >= Buffers.MAX && mayWait) {
                flush(true);
                java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b, off, len);
                int end = off + len;
                while (bb.position() < end) {
                    bb.limit(Math.min(end, bb.position() + MAX_WRITE));
                    write(bb, true);
                }
                return;
            }
            room(len);
            buf.put(count, b, off, len);
            count += len;
        }

        /** Makes room for {@code len} more bytes in the buffer: writes it out when the caller may wait, else grows it. */
        private void room(int len) throws IOException {
            if (buf == null) {
                buf = java.nio.ByteBuffer.allocateDirect(Buffers.MIN);
            }
            if (count + len <= buf.capacity()) {
                return;
            }
            if (start > 0) { // move the pending bytes to the front
                buf.limit(count).position(start);
                buf.compact();
                buf.clear();
                count -= start;
                start = 0;
                if (count + len <= buf.capacity()) {
                    return;
                }
            }
            if (buf.capacity() < Buffers.MAX) {
                lastFull = System.nanoTime();
                grow(Math.max(Buffers.MAX, count + len));
                return;
            }
            if (mayWait) {
                writeOut(true);
                if (count + len <= buf.capacity()) {
                    return;
                }
            }
            grow(count + len); // a writer that may not wait: a little more waits in the buffer
        }

        private void grow(int capacity) {
            java.nio.ByteBuffer big = java.nio.ByteBuffer.allocateDirect(capacity);
            buf.limit(count).position(start);
            big.put(buf);
            buf.clear();
            buf = big;
            count -= start;
            start = 0;
            big.clear();
        }

        /** Writes [start, count): all of it, waiting for room, or what the socket takes now. */
        private void writeOut(boolean mayWait) throws IOException {
            buf.limit(count).position(start);
            try {
                write(buf, mayWait);
                start = buf.position();
            } finally {
                buf.clear();
            }
            if (start == count) {
                start = 0;
                count = 0;
            }
            pending = start < count;
        }

        /** Writes what {@code bb} holds: all of it, waiting for room, or what the socket takes now. */
        private void write(java.nio.ByteBuffer bb, boolean mayWait) throws IOException {
            while (bb.hasRemaining()) {
                int n = ch.write(bb);
                if (n > 0) {
                    writes++;
                    bytes += n;
                } else if (mayWait) {
                    awaitRoom();
                } else {
                    return;
                }
            }
        }

        /** The writer thread, the socket full: waits until it takes more (or the connection closes). */
        private void awaitRoom() throws IOException {
            if (closed) {
                throw new java.nio.channels.ClosedChannelException();
            }
            if (selector == null) {
                selector = java.nio.channels.Selector.open();
            }
            java.nio.channels.SelectionKey k = ch.register(selector, java.nio.channels.SelectionKey.OP_WRITE);
            try {
                selector.select(key -> { }, 100); // and looks at closed again
            } finally {
                k.cancel();
                selector.selectNow(); // deregisters: toBlocking needs the channel in no selector
            }
        }

        @Override
        void flush(boolean mayWait) throws IOException {
            if (count - start > Buffers.MIN) {
                lastFull = System.nanoTime();
            }
            writeOut(mayWait);
            if (count == 0 && buf != null && buf.capacity() > Buffers.MIN && Buffers.quiet(lastFull)) {
                buf = java.nio.ByteBuffer.allocateDirect(Buffers.MIN);
            }
        }

        @Override
        void tick() throws IOException {
            room(TICK.length);
            buf.put(count, TICK);
            count += TICK.length;
            writeOut(true);
        }

        @Override
        void release() {
            if (count == 0) {
                buf = null;
            }
            closeSelector();
        }

        @Override
        void closeSelector() {
            closeQuietly(selector);
            selector = null;
        }
    }

    // ------------------------------------------------------------------ closing

    /** Closes at once; links and monitors through this connection fire noconnection. */
    void close(String why) {
        boolean another;
        synchronized (this) {
            another = closed && closer != Thread.currentThread();
            if (!closed) {
                closed = true;
                closer = Thread.currentThread();
            } else if (!another) {
                return;
            }
        }
        if (another) {
            awaitClosed(); // another thread closes it: return once its links and monitors fired
            return;
        }
        try {
            try {
                raw.close(); // TCP at once: no TLS close_notify exchange, as when a BEAM node goes
            } catch (IOException ignored) {
                // closing anyway
            }
            ReaderInput in = input;
            if (in != null && in.source instanceof ChannelInput c) {
                c.wakeup(); // a reader waiting in its selector (the channel's close only shuts its output then)
            }
            LockSupport.unpark(writer);
            signalDrained();
            queue.clear();
            node.connectionClosed(this, why);
        } finally {
            closeDone.countDown();
        }
    }

    /**
     * Waits (at most {@link #CLOSE_WAIT_MILLIS}) until the thread that closes this
     * connection is done: the peer's links and monitors have fired. A new connection to
     * the peer starts reading only then (see Engine.install), so that what arrives on it
     * comes after the exit signals of the old one, as on BEAM.
     */
    void awaitClosed() {
        try {
            if (!closeDone.await(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                log.warn("connection to {}: still closing after {} ms", peer, CLOSE_WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Writes what is queued, then closes as a halting BEAM node does: a TCP FIN (no TLS
     * {@code close_notify}), reading until the peer closes too (at most 1 s), then the
     * socket. Waits up to {@code timeoutMillis} for the writer. A {@code close_notify},
     * or a reset while the peer still sends, can leave an OTP TLS peer waiting 5 s with
     * the connection half down (its TLS sender's "death row"), failing calls by timeout.
     */
    void closeGracefully(long timeoutMillis) {
        closing = true;
        LockSupport.unpark(writer);
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            joinLatest(() -> writer, started, deadline);
            if (!closed) {
                try {
                    raw.shutdownOutput(); // FIN, then read until the peer closes too
                    joinLatest(() -> reader, started, Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(1)));
                } catch (IOException e) {
                    log.debug("no orderly shutdown to {}: {}", peer, e.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close("closed by this node");
    }

    /**
     * Joins the thread {@code current} names, and its successors, until one ends as the last
     * or the deadline passes. Before {@code started}, a thread not started yet (a connection
     * closed before it was installed) counts as ended; after, it is a successor that its
     * predecessor starts next.
     */
    private static void joinLatest(java.util.function.Supplier<Thread> current, boolean started, long deadline)
            throws InterruptedException {
        Thread t = current.get();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            if (started && t.getState() == Thread.State.NEW) {
                Thread.sleep(1); // handed over: about to start
            } else {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))); // returns at once when not started
                if (!t.isAlive() && current.get() == t) {
                    return;
                }
            }
            t = current.get();
        }
    }

    @Override
    public String toString() {
        return "Connection[" + peer + "]";
    }
}
