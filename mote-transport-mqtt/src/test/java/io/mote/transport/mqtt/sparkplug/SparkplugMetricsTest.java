package io.mote.transport.mqtt.sparkplug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import io.mote.common.error.MoteException;
import io.mote.common.kv.DataType;
import io.mote.common.kv.KvEntry;
import io.mote.transport.mqtt.sparkplug.proto.SparkplugB;
import io.mote.transport.mqtt.sparkplug.proto.SparkplugB.Payload.DataSet;
import io.mote.transport.mqtt.sparkplug.proto.SparkplugB.Payload.Metric;

class SparkplugMetricsTest {

    private static KvEntry kv(Metric.Builder m) {
        Metric metric = m.build();
        return SparkplugMetrics.toKv("k", metric, SparkplugMetrics.typeOf(metric));
    }

    private static Metric.Builder typed(SparkplugB.DataType t) {
        return Metric.newBuilder().setName("k").setDatatype(t.getNumber());
    }

    @Test
    void integersFollowTheirDataType() {
        assertThat(kv(typed(SparkplugB.DataType.Int8).setIntValue(-3)).value()).isEqualTo(-3L);
        assertThat(kv(typed(SparkplugB.DataType.UInt32).setIntValue(-1)).value()).isEqualTo(4294967295L);
        assertThat(kv(typed(SparkplugB.DataType.Int64).setLongValue(-7)).value()).isEqualTo(-7L);
        KvEntry big = kv(typed(SparkplugB.DataType.UInt64).setLongValue(-1));
        assertThat(big.type()).isEqualTo(DataType.STRING);
        assertThat(big.value()).isEqualTo("18446744073709551615");
        assertThat(kv(typed(SparkplugB.DataType.DateTime).setLongValue(1_700_000_000_000L)).value())
                .isEqualTo(1_700_000_000_000L);
    }

    @Test
    void scalarsArraysAndDataSets() {
        assertThat(kv(typed(SparkplugB.DataType.Float).setFloatValue(0.1f)).value()).isEqualTo(0.1);
        assertThat(kv(typed(SparkplugB.DataType.Boolean).setBooleanValue(true)).value()).isEqualTo(true);
        assertThat(kv(typed(SparkplugB.DataType.UUID).setStringValue("u")).value()).isEqualTo("u");
        // 3 booleans packed most significant bit first: 1, 0, 1.
        assertThat(kv(typed(SparkplugB.DataType.BooleanArray)
                .setBytesValue(ByteString.copyFrom(new byte[] {3, 0, 0, 0, (byte) 0b1010_0000}))).value())
                .isEqualTo("[true,false,true]");
        assertThat(kv(typed(SparkplugB.DataType.StringArray)
                .setBytesValue(ByteString.copyFrom("ab\0c\0", StandardCharsets.UTF_8))).value()).isEqualTo("[\"ab\",\"c\"]");
        assertThat(kv(typed(SparkplugB.DataType.UInt16Array)
                .setBytesValue(ByteString.copyFrom(new byte[] {(byte) 0xFF, (byte) 0xFF, 2, 0}))).value())
                .isEqualTo("[65535,2]");
        KvEntry bytes = kv(typed(SparkplugB.DataType.Bytes).setBytesValue(ByteString.copyFrom(new byte[] {1, 2})));
        assertThat(bytes.value()).isEqualTo("AQI=");
        KvEntry ds = kv(typed(SparkplugB.DataType.DataSet).setDatasetValue(DataSet.newBuilder().setNumOfColumns(2)
                .addColumns("a").addColumns("b").addTypes(SparkplugB.DataType.Int32.getNumber())
                .addTypes(SparkplugB.DataType.String.getNumber())
                .addRows(DataSet.Row.newBuilder().addElements(DataSet.DataSetValue.newBuilder().setIntValue(1))
                        .addElements(DataSet.DataSetValue.newBuilder().setStringValue("x")))));
        assertThat(ds.type()).isEqualTo(DataType.JSON);
        assertThat(ds.value()).isEqualTo("{\"columns\":[\"a\",\"b\"],\"types\":[\"Int32\",\"String\"],\"rows\":[[1,\"x\"]]}");
        assertThat(kv(typed(SparkplugB.DataType.Double).setIsNull(true))).isNull();
    }

    @Test
    void commandsTakeTheBirthsTypeAndAlias() {
        Metric birth = typed(SparkplugB.DataType.Int16).setAlias(9).setIntValue(0).build();
        Metric cmd = SparkplugMetrics.command(birth, KvEntry.ofString("k", "12"), 5);
        assertThat(cmd.hasName()).isFalse();
        assertThat(cmd.getAlias()).isEqualTo(9);
        assertThat(cmd.getIntValue()).isEqualTo(12);
        assertThat(cmd.getTimestamp()).isEqualTo(5);
        Metric named = SparkplugMetrics.command(typed(SparkplugB.DataType.Boolean).build(), KvEntry.ofLong("k", 1), 5);
        assertThat(named.getName()).isEqualTo("k");
        assertThat(named.getBooleanValue()).isTrue();
        assertThatThrownBy(() -> SparkplugMetrics.command(birth, KvEntry.ofString("k", "twelve"), 5))
                .isInstanceOf(MoteException.class).hasMessageContaining("twelve");
        assertThatThrownBy(() -> SparkplugMetrics.command(typed(SparkplugB.DataType.DataSet).build(),
                KvEntry.ofLong("k", 1), 5)).isInstanceOf(MoteException.class).hasMessageContaining("cannot be written");
    }

    @Test
    void topicsAndAttributeNames() {
        SparkplugTopic t = SparkplugTopic.parse("spBv1.0/G/DDATA/E/D");
        assertThat(t).isEqualTo(new SparkplugTopic("G", SparkplugTopic.MessageType.DDATA, "E", "D"));
        assertThat(SparkplugTopic.parse("spBv1.0/G/NDATA/E").device()).isNull();
        assertThat(SparkplugTopic.parse("spBv1.0/G/DDATA/E")).isNull();
        assertThat(SparkplugTopic.parse("spBv1.0/G/NDATA/E/D")).isNull();
        assertThat(SparkplugTopic.parse("spBv1.0/G/NDATA/+")).isNull();
        assertThat(SparkplugTopic.parse("spBv1.0/G/XDATA/E")).isNull();
        SparkplugSettings s = new SparkplugSettings(true, Set.of("Props/*", "fw"));
        assertThat(s.isAttribute("Props/x")).isTrue();
        assertThat(s.isAttribute("fw")).isTrue();
        assertThat(s.isAttribute("fw2")).isFalse();
    }
}
