package dev.plangate.platform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.jspecify.annotations.Nullable;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.KeyDeserializer;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.jackson.JsonNodeDeserializer;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.deser.std.StdDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.module.SimpleModule;

/**
 * Applies {@link ControlCharacters} to every text a request body holds: string fields,
 * map keys, and the strings and keys inside free-form JSON (metadata, properties, batch
 * payloads, override values), which PostgreSQL's jsonb refuses a NUL in just the same.
 * The refusal names the field, inner path included.
 */
final class TextModule extends SimpleModule {

	TextModule() {
		super("plangate-text");
		addDeserializer(String.class, new CheckedString());
		addKeyDeserializer(String.class, new CheckedKey());
		addDeserializer(JsonNode.class, new CheckedTree());
		addDeserializer(Object.class, new CheckedUntyped());
	}

	/**
	 * A refused character; {@code where} is its place below the field Jackson reports
	 * (empty when the field itself holds it).
	 */
	static final class RefusedCharacterException extends MismatchedInputException {

		private final String where;

		private final String reason;

		RefusedCharacterException(JsonParser parser, String where, int character) {
			super(parser, ControlCharacters.describe(character));
			this.where = where;
			this.reason = ControlCharacters.describe(character);
		}

		String where() {
			return where;
		}

		String reason() {
			return reason;
		}

	}

	private static final class CheckedString extends StdDeserializer<String> {

		CheckedString() {
			super(String.class);
		}

		@Override
		public String deserialize(JsonParser p, DeserializationContext ctxt) {
			String value = StringDeserializer.instance.deserialize(p, ctxt);
			refuse(p, "", ControlCharacters.inText(value));
			return value;
		}

		@Override
		public Object getEmptyValue(DeserializationContext ctxt) {
			return "";
		}

	}

	private static final class CheckedKey extends KeyDeserializer {

		@Override
		public Object deserializeKey(String key, DeserializationContext ctxt) {
			var found = ControlCharacters.inName(key);
			if (found.isPresent()) {
				throw new RefusedCharacterException(ctxt.getParser(), "", found.getAsInt());
			}
			return key;
		}

	}

	/** Free-form JSON read as a tree, then walked. */
	private static final class CheckedTree extends StdDeserializer<JsonNode> {

		@SuppressWarnings("unchecked")
		private static final ValueDeserializer<JsonNode> TREES = (ValueDeserializer<JsonNode>) JsonNodeDeserializer
			.getDeserializer(JsonNode.class);

		CheckedTree() {
			super(JsonNode.class);
		}

		@Override
		public JsonNode deserialize(JsonParser p, DeserializationContext ctxt) {
			JsonNode tree = TREES.deserialize(p, ctxt);
			check(p, tree, "");
			return tree;
		}

		@Override
		public @Nullable JsonNode getNullValue(DeserializationContext ctxt) {
			return (JsonNode) TREES.getNullValue(ctxt);
		}

		@Override
		public @Nullable Object getAbsentValue(DeserializationContext ctxt) {
			return TREES.getAbsentValue(ctxt);
		}

	}

	/**
	 * Free-form JSON read into maps, lists and scalars ({@code Map<String, Object>}):
	 * read as a tree, walked, then turned into the same Java values Jackson's own untyped
	 * reading gives.
	 */
	private static final class CheckedUntyped extends StdDeserializer<Object> {

		CheckedUntyped() {
			super(Object.class);
		}

		@Override
		public @Nullable Object deserialize(JsonParser p, DeserializationContext ctxt) {
			JsonNode tree = CheckedTree.TREES.deserialize(p, ctxt);
			check(p, tree, "");
			return plain(tree);
		}

		private static @Nullable Object plain(JsonNode node) {
			if (node.isObject()) {
				var map = new LinkedHashMap<String, @Nullable Object>();
				node.properties().forEach(e -> map.put(e.getKey(), plain(e.getValue())));
				return map;
			}
			if (node.isArray()) {
				var list = new ArrayList<@Nullable Object>();
				node.values().forEach(v -> list.add(plain(v)));
				return list;
			}
			if (node.isString()) {
				return node.asString();
			}
			if (node.isNumber()) {
				return node.numberValue();
			}
			if (node.isBoolean()) {
				return node.asBoolean();
			}
			if (node.isNull() || node.isMissingNode()) {
				return null;
			}
			return node.isPojo() ? node.asString() : node.toString();
		}

	}

	private static void check(JsonParser p, JsonNode node, String where) {
		if (node.isString()) {
			refuse(p, where, ControlCharacters.inText(node.asString()));
		}
		else if (node.isObject()) {
			for (Map.Entry<String, JsonNode> e : node.properties()) {
				refuse(p, where, ControlCharacters.inName(e.getKey()));
				check(p, e.getValue(), where + "." + e.getKey());
			}
		}
		else if (node.isArray()) {
			List<JsonNode> values = node.valueStream().toList();
			for (int i = 0; i < values.size(); i++) {
				check(p, values.get(i), where + "[" + i + "]");
			}
		}
	}

	private static void refuse(JsonParser p, String where, OptionalInt found) {
		if (found.isPresent()) {
			throw new RefusedCharacterException(p, where, found.getAsInt());
		}
	}

}
