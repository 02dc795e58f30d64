package io.mote.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.mote.common.error.MoteException;
import io.mote.common.kv.DataType;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;

class KvJsonTest {

    @Test
    void valuesGetTheirTypes() {
        List<KvEntry> kv = KvJson.parseKvObject(Json.parse(
                "{\"s\":\"x\",\"b\":false,\"l\":42,\"d\":1.5,\"e\":1e3,\"big\":123456789012345678901234,\"o\":{\"a\":1},\"a\":[1]}"));
        assertThat(kv).extracting(KvEntry::type).containsExactly(DataType.STRING, DataType.BOOLEAN, DataType.LONG,
                DataType.DOUBLE, DataType.DOUBLE, DataType.DOUBLE, DataType.JSON, DataType.JSON);
        assertThat(kv.get(2).value()).isEqualTo(42L);
        assertThat(kv.get(6).value()).isEqualTo("{\"a\":1}");
    }

    @Test
    void threeTelemetryForms() {
        assertThat(KvJson.parseTelemetry(Json.parse("{\"t\":1}"), 77)).extracting(TsKvEntry::ts).containsExactly(77L);
        assertThat(KvJson.parseTelemetry(Json.parse("{\"ts\":5,\"values\":{\"t\":1,\"u\":2}}"), 77))
                .extracting(TsKvEntry::ts).containsExactly(5L, 5L);
        assertThat(KvJson.parseTelemetry(Json.parse("[{\"ts\":5,\"values\":{\"t\":1}},{\"t\":2}]"), 77))
                .extracting(TsKvEntry::ts).containsExactly(5L, 77L);
        // An object that merely has a "ts" key among others is a plain object.
        assertThat(KvJson.parseTelemetry(Json.parse("{\"ts\":5,\"values\":{\"t\":1},\"x\":1}"), 77)).hasSize(3);
    }

    @Test
    void emptyTelemetryIsNothingToStore() {
        for (String empty : new String[] {"{}", "[]", "[{}]", "{\"ts\":5,\"values\":{}}"}) {
            assertThat(KvJson.parseTelemetry(Json.parse(empty), 77)).as(empty).isEmpty();
        }
    }

    @Test
    void badInputIsRefusedWithAReason() {
        assertThatThrownBy(() -> KvJson.parseTelemetry(Json.parse("{\"a\":null}"), 0))
                .isInstanceOf(MoteException.class).hasMessageContaining("'a'");
        assertThatThrownBy(() -> KvJson.parseTelemetry(Json.parse("\"x\""), 0)).isInstanceOf(MoteException.class);
        assertThatThrownBy(() -> KvJson.parseTelemetry(Json.parse("{\"ts\":-1,\"values\":{\"a\":1}}"), 0))
                .isInstanceOf(MoteException.class);
        assertThatThrownBy(() -> KvJson.parseKvObject(Json.parse("{\"\":1}"))).isInstanceOf(MoteException.class);
        assertThatThrownBy(() -> KvJson.parseKvObject(Json.parse("{\"k\":\"a\\u0000b\"}")))
                .hasMessageContaining("NUL");
        assertThatThrownBy(() -> Json.parse("{\"a\":")).isInstanceOf(MoteException.class)
                .hasMessageStartingWith("Invalid JSON");
    }

    @Test
    void numbersAreStoredAsThingsBoardStoresThem() {
        String huge = "1" + "0".repeat(400);
        List<KvEntry> kv = KvJson.parseKvObject(Json.parse("{\"l\":9223372036854775807,\"d\":" + "9".repeat(25)
                + ",\"s\":" + huge + ",\"neg\":-" + huge + "}"));
        assertThat(kv.get(0).type()).isEqualTo(DataType.LONG);
        assertThat(kv.get(1).type()).isEqualTo(DataType.DOUBLE);
        assertThat(kv.get(1).value()).isEqualTo(1e25);
        assertThat(kv.get(2).type()).isEqualTo(DataType.STRING);
        assertThat(kv.get(2).value()).isEqualTo(huge);
        assertThat(kv.get(3).value()).isEqualTo("-" + huge);
        assertThatThrownBy(() -> KvJson.parseKvObject(Json.parse("{\"f\":1e400}"))).isInstanceOf(MoteException.class)
                .hasMessageContaining("not a finite number");
    }
}
