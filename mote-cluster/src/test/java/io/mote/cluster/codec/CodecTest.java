package io.mote.cluster.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.mote.common.kv.AttributeKvEntry;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.AuthenticatedDevice;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.OtaPackageRef;
import io.mote.transport.api.OtaPackageType;
import io.mote.transport.api.RpcRequest;

class CodecTest {

    private static final DeviceInfo DEVICE = new DeviceInfo(UUID.randomUUID(), UUID.randomUUID(), "Thermometer ü",
            "default", UUID.randomUUID(), true);

    @Test
    void valuesKeepTheirTypes() {
        List<TsKvEntry> entries = List.of(new TsKvEntry(1L, KvEntry.ofLong("n", 42)),
                new TsKvEntry(2L, KvEntry.ofDouble("d", 1.5)), new TsKvEntry(3L, KvEntry.ofBoolean("b", true)),
                new TsKvEntry(4L, KvEntry.ofString("s", "")), new TsKvEntry(5L, KvEntry.ofJson("j", "{\"a\":1}")));
        In in = new In(new Out().device(DEVICE).tsKvs(entries).strs(null).strs(List.of()).toBytes());
        assertThat(in.device()).isEqualTo(DEVICE);
        assertThat(in.tsKvs()).isEqualTo(entries);
        assertThat(in.strs()).isNull();
        assertThat(in.strs()).isEmpty();
    }

    @Test
    void seamTypesRoundTrip() {
        var auth = Optional.of(new AuthenticatedDevice(DEVICE, null));
        assertThat(Codec.authenticated(new In(Codec.authenticated(auth)))).isEqualTo(auth);
        assertThat(Codec.authenticated(new In(Codec.authenticated(Optional.empty())))).isEmpty();
        var update = new AttributesUpdate(List.of(new AttributeKvEntry(KvEntry.ofLong("x", 1), 7)), List.of("gone"));
        assertThat(Codec.update(new In(Codec.update(new Out(), update).toBytes()))).isEqualTo(update);
        var rpc = new RpcRequest(3, "read", "{}", false, 99L);
        assertThat(Codec.rpc(new In(Codec.rpc(new Out(), rpc).toBytes()))).isEqualTo(rpc);
        var ota = Optional.of(new OtaPackageRef(UUID.randomUUID(), OtaPackageType.SOFTWARE, "t", "1", 10, "SHA256", "ab",
                "f.bin", "application/octet-stream", null));
        assertThat(Codec.otaPackage(new In(Codec.otaPackage(ota)))).isEqualTo(ota);
    }

    @Test
    void corruptBodiesAreRefused() {
        byte[] body = new Out().device(DEVICE).toBytes();
        byte[] cut = java.util.Arrays.copyOf(body, body.length - 3);
        assertThatThrownBy(() -> new In(cut).device()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new In(new Out().i32(Integer.MAX_VALUE).toBytes()).kvs())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
