package dev.plangate.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The master key: {@code plangate.master-key} (PLANGATE_MASTER_KEY), else the file
 * {@code master.key} in the data directory, made on the first start. The database keeps
 * an encryption of a constant under the key it was set up with, so that a node started
 * with another key stops at once instead of writing secrets nobody can read together.
 */
@Configuration(proxyBeanMethods = false)
class SecretBoxConfiguration {

	private static final Logger log = LoggerFactory.getLogger(SecretBoxConfiguration.class);

	static final String CHECK_PURPOSE = "master_key_check";

	static final String CHECK_CONSTANT = "plangate master key check";

	@Bean
	SecretBox secretBox(PlatformSettings settings, JdbcClient jdbc, TransactionTemplate transactions, Clock clock) {
		// a configured key was checked when the settings were bound
		var box = settings.masterKey().isEmpty() ? fromFile(Path.of(settings.dataDir(), "master.key"))
				: SecretBox.ofBase64(settings.masterKey());
		checkAgainstDatabase(box, jdbc, transactions, clock);
		return box;
	}

	/** The key in {@code file}, made (readable by this user only) if there is none. */
	static SecretBox fromFile(Path file) {
		try {
			boolean created = false;
			if (!Files.exists(file)) {
				created = create(file);
			}
			var text = Files.readString(file, StandardCharsets.US_ASCII).strip();
			SecretBox box;
			try {
				box = SecretBox.ofBase64(text);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException("The master key file " + file.toAbsolutePath() + " is refused: "
						+ ex.getMessage() + ". Restore the file, or set PLANGATE_MASTER_KEY.");
			}
			log.warn("""
					PLANGATE_MASTER_KEY is not set: the master key that encrypts secrets at rest is {} {}. \
					Back it up and keep it secret: without it the stored secrets cannot be read. \
					In a cluster every node must set PLANGATE_MASTER_KEY to the same value instead.""",
					created ? "new, in" : "read from", file.toAbsolutePath());
			return box;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read or create the master key file " + file.toAbsolutePath()
					+ "; set PLANGATE_MASTER_KEY instead", ex);
		}
	}

	/**
	 * Writes a new key to a private temporary file and moves it into place; a node that
	 * loses the race to make it reads the winner's.
	 */
	private static boolean create(Path file) throws IOException {
		var directory = file.toAbsolutePath().getParent();
		Files.createDirectories(directory);
		Path temporary;
		try {
			temporary = Files.createTempFile(directory, "master", ".tmp",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		}
		catch (UnsupportedOperationException ex) {
			temporary = Files.createTempFile(directory, "master", ".tmp");
			var f = temporary.toFile();
			f.setReadable(false, false);
			f.setWritable(false, false);
			f.setReadable(true, true);
			f.setWritable(true, true);
		}
		try {
			Files.writeString(temporary, SecretBox.generateKey() + "\n", StandardCharsets.US_ASCII);
			Files.move(temporary, file);
			return true;
		}
		catch (FileAlreadyExistsException ex) {
			return false;
		}
		finally {
			Files.deleteIfExists(temporary);
		}
	}

	/**
	 * Stores the check value on the database's first start; on every other start opens
	 * it, or stops start-up saying why.
	 */
	static void checkAgainstDatabase(SecretBox box, JdbcClient jdbc, TransactionTemplate transactions, Clock clock) {
		transactions.executeWithoutResult(status -> {
			jdbc.sql("select name from startup_lock where name = 'master_key_check' for update")
				.query(String.class)
				.single();
			var stored = jdbc.sql("select check_value from master_key_check where id = 1")
				.query(String.class)
				.optional();
			if (stored.isEmpty()) {
				jdbc.sql("insert into master_key_check (id, check_value, created_at) values (1, :value, :at)")
					.param("value", box.encrypt(CHECK_CONSTANT, CHECK_PURPOSE))
					.param("at", Timestamps.sql(clock.instant()))
					.update();
				return;
			}
			boolean matches;
			try {
				matches = CHECK_CONSTANT.equals(box.decrypt(stored.get(), CHECK_PURPOSE));
			}
			catch (SecretBox.CannotOpen ex) {
				matches = false;
			}
			if (!matches) {
				throw new IllegalStateException("""
						The master key is not the one this database was set up with: the secrets it holds \
						cannot be read with it. Start with the original key (PLANGATE_MASTER_KEY, or the \
						master.key file of the first node's data directory); Plangate never re-keys silently.""");
			}
		});
	}

}
