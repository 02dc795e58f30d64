package io.mote.transport.api.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import org.junit.jupiter.api.Test;

import io.mote.common.error.ErrorCode;
import io.mote.common.error.MoteException;
import io.mote.common.json.Json;

/** JSON of the wrong kind for a field is a bad request naming the field, never Jackson's exception. */
class ProtoJsonTest {

    private static final Descriptors.Descriptor TYPE = ProtoSchemas.compile("""
            syntax = "proto3";
            message M {
              int32 i = 1;
              int64 l = 2;
              double d = 3;
              bool b = 4;
              bytes raw = 5;
              E e = 6;
              enum E { ZERO = 0; ONE = 1; }
            }
            """, "M");

    private static DynamicMessage of(String json) {
        return ProtoJson.fromJson(TYPE, Json.parse(json));
    }

    @Test
    void valuesOfTheRightKindConvert() {
        DynamicMessage m = of("{\"i\":7,\"l\":\"9007199254740993\",\"d\":\"1.5\",\"b\":true,\"raw\":\"AQI=\",\"e\":\"ONE\"}");
        assertThat(ProtoJson.toJson(m).toString())
                .isEqualTo("{\"i\":7,\"l\":9007199254740993,\"d\":1.5,\"b\":true,\"raw\":\"AQI=\",\"e\":\"ONE\"}");
        assertThat(ProtoJson.toJson(of("{\"i\":1e3,\"e\":1}")).path("i").asInt()).isEqualTo(1000);
    }

    @Test
    void valuesOfTheWrongKindAreBadRequests() {
        for (String bad : new String[]{"{\"i\":\"abc\"}", "{\"i\":{}}", "{\"i\":1.5}", "{\"i\":4294967296}",
                "{\"l\":1" + "0".repeat(30) + "}", "{\"l\":[1]}", "{\"d\":\"x\"}", "{\"d\":{}}", "{\"b\":\"yes\"}",
                "{\"raw\":\"@@\"}", "{\"raw\":5}", "{\"e\":\"TWO\"}", "{\"e\":{}}", "{\"e\":1e20}"}) {
            assertThatThrownBy(() -> of(bad)).as(bad).isInstanceOfSatisfying(MoteException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_REQUEST_PARAMS));
        }
    }
}
