package dev.plangate.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of a server whose long-lived entitlement streams can be cut as a
 * network fault cuts them: silently. While cut, the bytes of every connection that
 * carries {@code /v1/entitlements/stream} go nowhere in either direction and the
 * connection stays open, as behind a middlebox that dropped it; other requests pass.
 * {@link #restore} closes the held connections, as their peers would find out in the end.
 * The server behind it can be changed ({@link #target}), for a server restarted on
 * another port.
 */
final class CuttableTcpProxy implements AutoCloseable {

	private static final String STREAM = "/v1/entitlements/stream";

	private final ServerSocket listener;

	private volatile int targetPort;

	private volatile boolean cut;

	private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

	private final Thread acceptor;

	private final class Connection {

		final Socket client;

		final Socket server;

		volatile boolean stream;

		volatile boolean held;

		Connection(Socket client, Socket server) {
			this.client = client;
			this.server = server;
		}

		void pump(InputStream from, OutputStream to, boolean request) {
			var buffer = new byte[8192];
			try {
				int n;
				while ((n = from.read(buffer)) >= 0) {
					if (request && new String(buffer, 0, n, StandardCharsets.ISO_8859_1).contains(STREAM)) {
						stream = true;
					}
					if (cut && stream) {
						held = true;
						continue;
					}
					to.write(buffer, 0, n);
					to.flush();
				}
			}
			catch (IOException ex) {
				// closed
			}
			finally {
				close();
			}
		}

		void close() {
			connections.remove(this);
			try {
				client.close();
			}
			catch (IOException ex) {
				// closed
			}
			try {
				server.close();
			}
			catch (IOException ex) {
				// closed
			}
		}

	}

	CuttableTcpProxy(int targetPort) throws IOException {
		this.targetPort = targetPort;
		this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.acceptor = new Thread(this::accept, "tcp-proxy");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	URI uri() {
		return URI.create("http://127.0.0.1:" + listener.getLocalPort());
	}

	/** Sends new connections to another port. */
	void target(int port) {
		this.targetPort = port;
	}

	/** Entitlement streams go silent, open and new. */
	void cutStreams() {
		cut = true;
	}

	/** Streams flow again; the ones held while cut are closed. */
	void restore() {
		cut = false;
		for (var connection : connections) {
			if (connection.held) {
				connection.close();
			}
		}
	}

	private void accept() {
		while (!listener.isClosed()) {
			try {
				var client = listener.accept();
				Socket server;
				try {
					server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
				}
				catch (IOException ex) {
					client.close();
					continue;
				}
				var connection = new Connection(client, server);
				connections.add(connection);
				var up = new Thread(() -> {
					try {
						connection.pump(client.getInputStream(), server.getOutputStream(), true);
					}
					catch (IOException ex) {
						connection.close();
					}
				}, "tcp-proxy-up");
				var down = new Thread(() -> {
					try {
						connection.pump(server.getInputStream(), client.getOutputStream(), false);
					}
					catch (IOException ex) {
						connection.close();
					}
				}, "tcp-proxy-down");
				up.setDaemon(true);
				down.setDaemon(true);
				up.start();
				down.start();
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	@Override
	public void close() {
		try {
			listener.close();
		}
		catch (IOException ex) {
			// closed
		}
		connections.forEach(Connection::close);
	}

}
