package dev.plangate.batch;

import java.util.ArrayDeque;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The delivery of live batch events to this node's subscribers (SSE and WebSocket
 * clients).
 *
 * <p>
 * Each subscriber has a bounded queue of its own, sent from by a thread of its own while
 * it has something to send: a slow client holds up nobody else, and one that falls
 * {@code subscriberQueue} events behind is disconnected with a reason, and resumes after
 * the last event it got.
 */
@Component
class EventSubscribers {

	private static final Logger log = LoggerFactory.getLogger(EventSubscribers.class);

	private enum Ending {

		CLOSED, TOO_SLOW, GONE

	}

	/**
	 * One subscriber: what it wants, the live events waiting to be sent to it, and how
	 * far it has got. Events reach it in number order, first from the table (the ones it
	 * missed) then from its queue, each once.
	 */
	final class Subscription implements Runnable {

		private final String customerId;

		private final @Nullable UUID batchId;

		private final BatchEventStream.Sink sink;

		/** It has every event up to here: the last one sent, or where it resumed. */
		private volatile long delivered;

		/** Where its catching up from the table ends and its queue takes over. */
		private long catchUpTo = -1;

		private final ArrayDeque<BatchEvent> queue = new ArrayDeque<>();

		/** Whether a thread is sending to it. */
		private boolean sending;

		private boolean keepAliveDue;

		private @Nullable Ending ending;

		Subscription(String customerId, @Nullable UUID batchId, BatchEventStream.Sink sink, long after) {
			this.customerId = customerId;
			this.batchId = batchId;
			this.sink = sink;
			this.delivered = after;
		}

		boolean wants(String customer, @Nullable UUID batch) {
			return customer.equals(customerId) && (batchId == null || batchId.equals(batch));
		}

		/** Queues a live event; false once the subscriber is gone or too far behind. */
		synchronized boolean offer(BatchEvent event) {
			if (ending != null) {
				return false;
			}
			if (event.seq() <= delivered || !wants(event.customerId(), event.batchId())) {
				return true;
			}
			if (queue.size() >= queueLimit) {
				// what is queued will not be sent: the subscriber reads it from the table
				// when it resumes
				queue.clear();
				end(Ending.TOO_SLOW);
				return false;
			}
			queue.add(event);
			startSending();
			return true;
		}

		/** Asks for a keep-alive; false once the subscriber is gone. */
		synchronized boolean keepAlive() {
			if (ending != null) {
				return false;
			}
			if (!sending) {
				keepAliveDue = true;
				startSending();
			}
			return true;
		}

		/** Starts catching up, from the table, to where the live reader has come. */
		synchronized void start(long upTo) {
			catchUpTo = upTo;
			startSending();
		}

		private void startSending() {
			if (!sending) {
				sending = true;
				try {
					senders.execute(this);
				}
				catch (RuntimeException ex) {
					sending = false;
					end(Ending.CLOSED);
				}
			}
		}

		synchronized void end(Ending why) {
			if (ending == null) {
				ending = why;
				startSending();
			}
		}

		/** Sends what there is to send, then stops until there is more. */
		@Override
		public void run() {
			try {
				catchUp();
				while (true) {
					BatchEvent next;
					boolean ping;
					Ending end;
					synchronized (this) {
						end = ending;
						next = end == null ? queue.poll() : null;
						ping = end == null && next == null && keepAliveDue;
						keepAliveDue = false;
						if (end == null && next == null && !ping) {
							sending = false;
							return;
						}
					}
					if (end != null) {
						finish(end);
						return;
					}
					if (next != null && next.seq() > delivered) {
						if (!sink.send(next)) {
							finish(Ending.GONE);
							return;
						}
						delivered = next.seq();
					}
					else if (ping && !sink.keepAlive()) {
						finish(Ending.GONE);
						return;
					}
				}
			}
			catch (RuntimeException ex) {
				log.warn("Sending batch events to a subscriber failed; disconnecting it", ex);
				finish(Ending.CLOSED);
			}
		}

		/** Sends the events it missed, from the table, up to {@link #catchUpTo}. */
		private void catchUp() {
			long upTo;
			synchronized (this) {
				upTo = catchUpTo;
				catchUpTo = -1;
			}
			while (upTo > delivered) {
				synchronized (this) {
					if (ending != null) {
						return;
					}
				}
				var missed = eventLog.events(customerId, batchId, delivered, BatchEventStream.PAGE);
				for (var event : missed) {
					if (event.seq() > upTo) {
						return;
					}
					if (!sink.send(event)) {
						end(Ending.GONE);
						return;
					}
					delivered = event.seq();
				}
				if (missed.size() < BatchEventStream.PAGE) {
					return;
				}
			}
		}

		/** Ends the connection from the calling thread: the server is stopping. */
		void closeNow() {
			synchronized (this) {
				if (ending != null && !sending) {
					return;
				}
				ending = Ending.CLOSED;
				queue.clear();
			}
			try {
				sink.close();
			}
			catch (RuntimeException ex) {
				log.debug("Closing a batch events subscriber failed", ex);
			}
		}

		private void finish(Ending why) {
			synchronized (this) {
				ending = why;
				queue.clear();
			}
			subscriptions.remove(this);
			try {
				switch (why) {
					case TOO_SLOW -> sink.tooSlow(delivered);
					case CLOSED -> sink.close();
					case GONE -> {
					}
				}
			}
			catch (RuntimeException ex) {
				log.debug("Ending a batch events subscriber failed", ex);
			}
		}

	}

	private final BatchEventRepository eventLog;

	private final int queueLimit;

	private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();

	/** Sends to subscribers: a thread for each one with something to send. */
	private final ExecutorService senders;

	EventSubscribers(BatchEventRepository eventLog, BatchSettings settings) {
		this.eventLog = eventLog;
		this.queueLimit = Math.max(1, settings.subscriberQueue());
		var threads = new AtomicInteger();
		this.senders = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
				task -> {
					var sender = new Thread(task, "plangate-batch-events-send-" + threads.incrementAndGet());
					sender.setDaemon(true);
					return sender;
				});
	}

	/**
	 * A new subscriber, listening from now on; {@link Subscription#start} tells it where
	 * its catching up from the table ends.
	 */
	Subscription add(String customerId, @Nullable UUID batchId, long afterSeq, BatchEventStream.Sink sink) {
		var subscription = new Subscription(customerId, batchId, sink, afterSeq);
		subscriptions.add(subscription);
		return subscription;
	}

	int size() {
		return subscriptions.size();
	}

	/**
	 * The subscribers connected by {@code transport}
	 * ({@link BatchEventStream.Sink#transport}).
	 */
	int size(String transport) {
		int n = 0;
		for (var subscription : subscriptions) {
			if (subscription.sink.transport().equals(transport)) {
				n++;
			}
		}
		return n;
	}

	boolean isEmpty() {
		return subscriptions.isEmpty();
	}

	/** Whether anyone here wants the events of this batch. */
	boolean anyWants(String customerId, @Nullable UUID batchId) {
		return subscriptions.stream().anyMatch(s -> s.wants(customerId, batchId));
	}

	/**
	 * Queues a live event for every subscriber; one gone or too far behind is dropped.
	 */
	void send(BatchEvent event) {
		for (var subscription : subscriptions) {
			if (!subscription.offer(event)) {
				subscriptions.remove(subscription);
			}
		}
	}

	/** Asks every subscriber for a keep-alive, dropping those that are gone. */
	void keepAlive() {
		subscriptions.removeIf(s -> !s.keepAlive());
	}

	/**
	 * Ends every subscriber's connection from the calling thread: a sender blocked on a
	 * client that does not read is not waited for.
	 */
	void closeAll() {
		subscriptions.forEach(Subscription::closeNow);
		subscriptions.clear();
		senders.shutdown();
	}

}
