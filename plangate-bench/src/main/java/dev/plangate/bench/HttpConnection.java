package dev.plangate.bench;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * One keep-alive HTTP/1.1 connection on a blocking socket. The load generator shares the
 * machine's cores with the server it measures, so it sends pre-encoded requests and reads
 * no more of an answer than its status and framing: measured on 2 cores, about a sixth of
 * the CPU a request of {@code java.net.http.HttpClient} (HTTP/1.1). When the server
 * closes the connection (Tomcat does after 100 requests on one), the next exchange opens
 * a new one.
 */
final class HttpConnection implements Closeable {

	private final InetSocketAddress address;

	private final byte[] line = new byte[8192];

	private final byte[] content = new byte[65536];

	private @Nullable Socket socket;

	private @Nullable InputStream in;

	private @Nullable OutputStream out;

	HttpConnection(InetSocketAddress address) {
		this.address = address;
	}

	/** A request's bytes, as {@link #exchange} sends them. */
	static byte[] request(String method, String path, String host, @Nullable String apiKey, @Nullable String body) {
		return request(method, path, host, apiKey, body, null);
	}

	/** A request with one more header, given as its {@code Name: value} line. */
	static byte[] request(String method, String path, String host, @Nullable String apiKey, @Nullable String body,
			@Nullable String header) {
		var head = new StringBuilder(256).append(method)
			.append(' ')
			.append(path)
			.append(" HTTP/1.1\r\nHost: ")
			.append(host)
			.append("\r\n");
		if (apiKey != null) {
			head.append("Authorization: Bearer ").append(apiKey).append("\r\n");
		}
		if (header != null) {
			head.append(header).append("\r\n");
		}
		byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
		if (body != null) {
			head.append("Content-Type: application/json\r\nContent-Length: ").append(content.length).append("\r\n");
		}
		byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
		var bytes = new byte[headBytes.length + content.length];
		System.arraycopy(headBytes, 0, bytes, 0, headBytes.length);
		System.arraycopy(content, 0, bytes, headBytes.length, content.length);
		return bytes;
	}

	/** Sends a request and reads its whole answer; returns the status. */
	int exchange(byte[] request) throws IOException {
		return exchange(request, null);
	}

	/** Like {@link #exchange}, for setting up: fails unless the answer is a success. */
	void exchangeOrFail(byte[] request) throws IOException {
		var body = new StringBuilder();
		int status = exchange(request, body);
		if (status >= 300) {
			throw new IOException("The server answered " + status + ": " + body);
		}
	}

	/**
	 * Sends a request and reads its whole answer into {@code body}; returns the status.
	 */
	int exchange(byte[] request, @Nullable StringBuilder body) throws IOException {
		if (socket == null) {
			open();
		}
		try {
			out.write(request);
			out.flush();
			return readResponse(body);
		}
		catch (IOException ex) {
			close();
			throw ex;
		}
	}

	private int readResponse(@Nullable StringBuilder body) throws IOException {
		String statusLine = readLine();
		int status = Integer.parseInt(statusLine.substring(9, 12));
		long length = -1;
		boolean chunked = false;
		boolean closing = false;
		for (String header = readLine(); !header.isEmpty(); header = readLine()) {
			String lower = header.toLowerCase(Locale.ROOT);
			if (lower.startsWith("content-length:")) {
				length = Long.parseLong(lower.substring(15).strip());
			}
			else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
				chunked = true;
			}
			else if (lower.startsWith("connection:") && lower.contains("close")) {
				closing = true;
			}
		}
		if (chunked) {
			for (long size = chunkSize(); size > 0; size = chunkSize()) {
				read(size, body);
				readLine();
			}
			while (!readLine().isEmpty()) {
				// trailers: none expected, skipped
			}
		}
		else if (length > 0) {
			read(length, body);
		}
		if (closing) {
			close();
		}
		return status;
	}

	private long chunkSize() throws IOException {
		String size = readLine();
		int extension = size.indexOf(';');
		return Long.parseLong(extension < 0 ? size.strip() : size.substring(0, extension).strip(), 16);
	}

	private void read(long count, @Nullable StringBuilder body) throws IOException {
		long left = count;
		while (left > 0) {
			int n = in.read(content, 0, (int) Math.min(left, content.length));
			if (n < 0) {
				throw new EOFException("The server closed the connection within an answer");
			}
			if (body != null) {
				body.append(new String(content, 0, n, StandardCharsets.UTF_8));
			}
			left -= n;
		}
	}

	private String readLine() throws IOException {
		int length = 0;
		while (true) {
			int b = in.read();
			if (b < 0) {
				throw new EOFException("The server closed the connection");
			}
			if (b == '\n') {
				break;
			}
			if (b != '\r' && length < line.length) {
				line[length++] = (byte) b;
			}
		}
		return new String(line, 0, length, StandardCharsets.US_ASCII);
	}

	private void open() throws IOException {
		socket = new Socket();
		socket.setTcpNoDelay(true);
		socket.connect(address);
		in = new BufferedInputStream(socket.getInputStream(), 65536);
		out = socket.getOutputStream();
	}

	@Override
	public void close() {
		if (socket != null) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// nothing more to read from it either way
			}
			socket = null;
		}
	}

}
