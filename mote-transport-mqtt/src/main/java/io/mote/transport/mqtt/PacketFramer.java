package io.mote.transport.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.mqtt.MqttMessageFactory;
import io.netty.util.ReferenceCountUtil;

/**
 * Hands Netty's MQTT decoder one whole packet at a time (as its fixed header's remaining length frames it)
 * and checks that the decoder made a message of it. A packet whose own lengths (a topic, a property, a
 * string) run past its end is malformed [MQTT-1.5.4, 4.13]; the decoder would instead wait for the bytes
 * of the packets that follow and read them as its own, leaving the client unanswered until its keep-alive
 * ran out. Such a packet now reaches the connection as a decoding failure (DISCONNECT 0x81, then closed).
 * A packet announcing more than the maximum size goes to the decoder as it comes, which refuses it.
 */
final class PacketFramer extends ChannelInboundHandlerAdapter {

    private final int maxPacketSize;
    private ByteBuf cumulation;
    private boolean passThrough;
    private boolean failed;
    private long decoded;

    PacketFramer(int maxPacketSize) {
        this.maxPacketSize = maxPacketSize;
    }

    /** Placed after the decoder: counts the messages it makes. */
    final class Counter extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            decoded++;
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in) || passThrough) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (failed) {
            in.release();
            return;
        }
        cumulation = cumulation == null ? in : ctx.alloc().compositeBuffer().addComponents(true, cumulation, in);
        while (cumulation != null && !failed && !passThrough) {
            int length = packetLength(cumulation);
            if (length == 0) {
                return; // the fixed header or the packet is not complete yet
            }
            if (length < 0) {
                passThrough = true; // too large, or no valid remaining length: the decoder refuses it
                ByteBuf rest = cumulation;
                cumulation = null;
                ctx.fireChannelRead(rest);
                return;
            }
            ByteBuf packet = cumulation.readRetainedSlice(length);
            if (!cumulation.isReadable()) {
                cumulation.release();
                cumulation = null;
            }
            long before = decoded;
            ctx.fireChannelRead(packet);
            if (decoded == before) {
                failed = true;
                ctx.fireChannelRead(MqttMessageFactory.newInvalidMessage(
                        new DecoderException("a length inside the packet runs past its remaining length")));
            }
        }
        if (failed && cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }

    /** The whole packet's length when it is all there, 0 when not yet, -1 to hand it over unframed. */
    private int packetLength(ByteBuf b) {
        int at = b.readerIndex() + 1;
        long remaining = 0;
        for (int i = 0; i < 4; i++) {
            if (at + i >= b.writerIndex()) {
                return 0;
            }
            int digit = b.getByte(at + i) & 0xff;
            remaining |= (long) (digit & 0x7f) << (7 * i);
            if ((digit & 0x80) == 0) {
                long total = 1 + i + 1 + remaining;
                if (remaining > maxPacketSize) {
                    return -1;
                }
                return b.readableBytes() >= total ? (int) total : 0;
            }
        }
        return -1;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (cumulation != null) {
            ReferenceCountUtil.release(cumulation);
            cumulation = null;
        }
        super.channelInactive(ctx);
    }
}
