package dev.plangate.identity.account;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.customer.CustomerStatus;
import dev.plangate.platform.Timestamps;

@Repository
public class AccountRepository {

	private static final String SELECT = """
			select a.*, c.status as customer_status from account a
			join customer c on c.customer_id = a.customer_id
			""";

	private final JdbcClient jdbc;

	AccountRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** An account with what a login is checked against. */
	public record Credentials(Account account, String passwordHash, @Nullable String totpSecret,
			@Nullable Long totpLastStep) {
	}

	void insert(Account account, String passwordHash) {
		jdbc.sql("""
				insert into account (id, customer_id, email, email_verified_at, username, password_hash, role,
				    must_change_password, created_at, updated_at)
				values (:id, :customer, :email, :verified, :username, :hash, :role, :mustChange, :at, :at)""")
			.param("id", account.id())
			.param("customer", account.customerId())
			.param("email", account.email())
			.param("verified", Timestamps.sql(account.emailVerifiedAt()))
			.param("username", account.username())
			.param("hash", passwordHash)
			.param("role", account.role().id())
			.param("mustChange", account.mustChangePassword())
			.param("at", Timestamps.sql(account.createdAt()))
			.update();
	}

	public Optional<Account> find(UUID id) {
		return jdbc.sql(SELECT + "where a.id = :id").param("id", id).query(this::account).optional();
	}

	Optional<Account> findByCustomer(String customerId) {
		return jdbc.sql(SELECT + "where a.customer_id = :customer")
			.param("customer", customerId)
			.query(this::account)
			.optional();
	}

	/**
	 * The accounts with an operator's role (support and up), by role, highest first, then
	 * login.
	 */
	List<Account> operators() {
		return jdbc.sql(SELECT + """
				where a.role in ('support', 'admin', 'superadmin')
				order by case a.role when 'superadmin' then 0 when 'admin' then 1 else 2 end,
				    coalesce(a.email, a.username), a.id""").query(this::account).list();
	}

	Optional<Account> findByEmail(String email) {
		return jdbc.sql(SELECT + "where a.email = :email").param("email", email).query(this::account).optional();
	}

	/** By email or username, both lower-cased. */
	public Optional<Credentials> credentials(String login) {
		return jdbc.sql(SELECT + "where a.email = :login or a.username = :login")
			.param("login", login)
			.query(this::credentialsRow)
			.optional();
	}

	public Optional<Credentials> credentials(UUID id) {
		return jdbc.sql(SELECT + "where a.id = :id").param("id", id).query(this::credentialsRow).optional();
	}

	/** Locks the account's row. */
	public Optional<Credentials> lockCredentials(UUID id) {
		jdbc.sql("select id from account where id = :id for update").param("id", id).query(UUID.class).optional();
		return jdbc.sql(SELECT + "where a.id = :id").param("id", id).query(this::credentialsRow).optional();
	}

	/**
	 * Locks the account's customer row, as suspending or deleting it does: a sign-in that
	 * holds it either sees the new status or finishes before the change begins.
	 */
	public CustomerStatus lockCustomerStatus(String customerId) {
		return jdbc.sql("select status from customer where customer_id = :customer for update")
			.param("customer", customerId)
			.query((rs, n) -> CustomerStatus.valueOf(rs.getString(1).toUpperCase(Locale.ROOT)))
			.single();
	}

	boolean emailTaken(String email) {
		return jdbc.sql("select count(*) from account where email = :email")
			.param("email", email)
			.query(Long.class)
			.single() > 0;
	}

	boolean usernameTaken(String username) {
		return jdbc.sql("select count(*) from account where username = :username")
			.param("username", username)
			.query(Long.class)
			.single() > 0;
	}

	boolean anyWithRole(AccountRole role) {
		return jdbc.sql("select count(*) from account where role = :role")
			.param("role", role.id())
			.query(Long.class)
			.single() > 0;
	}

	/**
	 * The ids of the superadmins, each row locked until the transaction ends: two
	 * superadmins demoting each other at once cannot both pass a count.
	 */
	List<UUID> lockSuperadmins() {
		return jdbc.sql("select id from account where role = :role order by id for update")
			.param("role", AccountRole.SUPERADMIN.id())
			.query(UUID.class)
			.list();
	}

	void setRole(UUID id, AccountRole role, Instant at) {
		jdbc.sql("update account set role = :role, updated_at = :at where id = :id")
			.param("role", role.id())
			.param("at", Timestamps.sql(at))
			.param("id", id)
			.update();
	}

	public void setPassword(UUID id, String hash, boolean mustChange, Instant at) {
		jdbc.sql("""
				update account set password_hash = :hash, must_change_password = :mustChange, updated_at = :at
				where id = :id""")
			.param("hash", hash)
			.param("mustChange", mustChange)
			.param("at", Timestamps.sql(at))
			.param("id", id)
			.update();
	}

	/**
	 * Replaces a hash made with older parameters, unless the password changed meanwhile.
	 */
	public void rehash(UUID id, String oldHash, String newHash) {
		jdbc.sql("update account set password_hash = :new where id = :id and password_hash = :old")
			.param("new", newHash)
			.param("old", oldHash)
			.param("id", id)
			.update();
	}

	void setEmail(UUID id, String email, @Nullable Instant verifiedAt, Instant at) {
		jdbc.sql("update account set email = :email, email_verified_at = :verified, updated_at = :at where id = :id")
			.param("email", email)
			.param("verified", Timestamps.sql(verifiedAt))
			.param("at", Timestamps.sql(at))
			.param("id", id)
			.update();
	}

	/** A deleted account's email and username may be taken by someone else. */
	void release(String customerId, Instant at) {
		jdbc.sql("""
				update account set deleted_email = email, email = null, username = null, updated_at = :at
				where customer_id = :customer and email is not null""")
			.param("at", Timestamps.sql(at))
			.param("customer", customerId)
			.update();
	}

	// single-use tokens sent by email

	void insertToken(String hash, UUID accountId, AccountTokenPurpose purpose, @Nullable String newEmail,
			Instant createdAt, Instant expiresAt) {
		jdbc.sql("""
				insert into account_token (token_hash, account_id, purpose, new_email, created_at, expires_at)
				values (:hash, :account, :purpose, :newEmail, :at, :expires)""")
			.param("hash", hash)
			.param("account", accountId)
			.param("purpose", purpose.id())
			.param("newEmail", newEmail)
			.param("at", Timestamps.sql(createdAt))
			.param("expires", Timestamps.sql(expiresAt))
			.update();
	}

	/** A token that was sent. */
	record SentToken(UUID accountId, @Nullable String newEmail) {
	}

	/**
	 * Uses a token once: the first caller gets it, every later one (or one after expiry)
	 * nothing.
	 */
	Optional<SentToken> useToken(String hash, AccountTokenPurpose purpose, Instant now) {
		var token = jdbc.sql("""
				select account_id, new_email from account_token
				where token_hash = :hash and purpose = :purpose and used_at is null and expires_at > :now
				for update""")
			.param("hash", hash)
			.param("purpose", purpose.id())
			.param("now", Timestamps.sql(now))
			.query((rs, n) -> new SentToken(rs.getObject("account_id", UUID.class), rs.getString("new_email")))
			.optional();
		token.ifPresent(t -> jdbc.sql("update account_token set used_at = :now where token_hash = :hash")
			.param("now", Timestamps.sql(now))
			.param("hash", hash)
			.update());
		return token;
	}

	/** Every unused token of this purpose stops working: only the newest mail counts. */
	void burnTokens(UUID accountId, AccountTokenPurpose purpose, Instant now) {
		jdbc.sql("""
				update account_token set used_at = :now
				where account_id = :account and purpose = :purpose and used_at is null""")
			.param("now", Timestamps.sql(now))
			.param("account", accountId)
			.param("purpose", purpose.id())
			.update();
	}

	// two-factor authentication: the TOTP secret (sealed) and the hashed recovery codes

	/** Starts an enrolment: a new sealed secret, not yet on. */
	public void setPendingTotp(UUID id, String sealedSecret, Instant at) {
		jdbc.sql("""
				update account set totp_secret = :secret, totp_enabled_at = null, totp_last_step = null,
				    updated_at = :at
				where id = :id""")
			.param("secret", sealedSecret)
			.param("at", Timestamps.sql(at))
			.param("id", id)
			.update();
	}

	/**
	 * Takes a TOTP time step as used, only if it is later than every step used before:
	 * false when another use got there first.
	 */
	public boolean useTotpStep(UUID id, long step) {
		return jdbc.sql("""
				update account set totp_last_step = :step
				where id = :id and totp_secret is not null and (totp_last_step is null or totp_last_step < :step)""")
			.param("step", step)
			.param("id", id)
			.update() == 1;
	}

	public void enableTotp(UUID id, Instant at) {
		jdbc.sql("update account set totp_enabled_at = :at, updated_at = :at where id = :id")
			.param("at", Timestamps.sql(at))
			.param("id", id)
			.update();
	}

	public void disableTotp(UUID id, Instant at) {
		jdbc.sql("""
				update account set totp_secret = null, totp_enabled_at = null, totp_last_step = null,
				    updated_at = :at
				where id = :id""").param("at", Timestamps.sql(at)).param("id", id).update();
		deleteRecoveryCodes(id);
	}

	public void deleteRecoveryCodes(UUID accountId) {
		jdbc.sql("delete from recovery_code where account_id = :account").param("account", accountId).update();
	}

	public void insertRecoveryCode(UUID accountId, String codeHash) {
		jdbc.sql("insert into recovery_code (account_id, code_hash) values (:account, :hash)")
			.param("account", accountId)
			.param("hash", codeHash)
			.update();
	}

	/** Uses a recovery code once: true for the first caller only. */
	public boolean useRecoveryCode(UUID accountId, String codeHash, Instant now) {
		return jdbc.sql("""
				update recovery_code set used_at = :now
				where account_id = :account and code_hash = :hash and used_at is null""")
			.param("now", Timestamps.sql(now))
			.param("account", accountId)
			.param("hash", codeHash)
			.update() == 1;
	}

	public int recoveryCodesLeft(UUID accountId) {
		return jdbc.sql("select count(*) from recovery_code where account_id = :account and used_at is null")
			.param("account", accountId)
			.query(Integer.class)
			.single();
	}

	private Account account(ResultSet rs, int n) throws SQLException {
		return new Account(rs.getObject("id", UUID.class), rs.getString("customer_id"), rs.getString("email"),
				Timestamps.read(rs, "email_verified_at"), rs.getString("username"),
				AccountRole.of(rs.getString("role")),
				CustomerStatus.valueOf(rs.getString("customer_status").toUpperCase(Locale.ROOT)),
				rs.getBoolean("must_change_password"), Timestamps.read(rs, "totp_enabled_at"),
				Timestamps.readRequired(rs, "created_at"), Timestamps.readRequired(rs, "updated_at"));
	}

	private Credentials credentialsRow(ResultSet rs, int n) throws SQLException {
		long step = rs.getLong("totp_last_step");
		Long lastStep = rs.wasNull() ? null : step;
		return new Credentials(account(rs, n), rs.getString("password_hash"), rs.getString("totp_secret"), lastStep);
	}

}
