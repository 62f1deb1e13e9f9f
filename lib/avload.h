/* avload.h: FFmpeg libraries opened at run time, for the rare paths that need them, so the common ones stay small. */
#ifndef PPV_AVLOAD_H
#define PPV_AVLOAD_H

#include <stddef.h>

#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavformat/avformat.h>

/* An AVIO write callback's buffer: libavformat 61 made it const. The one
 * place this differs between the FFmpeg versions ppv builds against. */
#if LIBAVFORMAT_VERSION_MAJOR >= 61
#define PPV_AVIO_WBUF const uint8_t
#else
#define PPV_AVIO_WBUF uint8_t
#endif

/* The calls made through it, typed from FFmpeg's own declarations. */
#define PPV_AV_CALLS(X) \
	X(f, avformat_alloc_context) X(f, avformat_open_input) X(f, avformat_find_stream_info) X(f, av_read_frame) \
	X(f, avformat_close_input) X(f, avformat_alloc_output_context2) X(f, avformat_new_stream) \
	X(f, avformat_write_header) X(f, av_write_frame) X(f, av_interleaved_write_frame) \
	X(f, av_write_trailer) X(f, avformat_free_context) X(f, avio_alloc_context) \
	X(f, avio_context_free) X(f, avio_flush) X(f, avio_write) X(c, avcodec_parameters_copy) X(c, av_packet_alloc) \
	X(c, av_packet_free) X(c, av_packet_unref) X(c, av_packet_rescale_ts) X(c, av_packet_move_ref) \
	X(f, avio_size) X(c, av_packet_get_side_data) X(c, avcodec_alloc_context3) \
	X(c, avcodec_find_decoder) X(c, avcodec_find_encoder) X(c, avcodec_find_encoder_by_name) \
	X(c, avcodec_free_context) X(c, avcodec_get_name) X(c, avcodec_open2) X(c, avcodec_parameters_alloc) \
	X(c, avcodec_parameters_free) X(c, avcodec_parameters_from_context) X(c, avcodec_parameters_to_context) \
	X(c, avcodec_receive_frame) X(c, avcodec_receive_packet) X(c, avcodec_send_frame) X(c, avcodec_send_packet) \
	X(f, av_find_best_stream) X(f, av_new_program) X(f, av_program_add_stream_index) X(f, av_guess_frame_rate)

typedef struct {
#define PPV_AV_FIELD(lib, name) __typeof__(name) *name;
	PPV_AV_CALLS(PPV_AV_FIELD)
#undef PPV_AV_FIELD
} ppv_av;

/* The libraries of the FFmpeg the program was built against; NULL with the
 * reason in err when they are not there. */
const ppv_av *ppv_av_load(char *err, size_t cap);

/* libavfilter, which alone brings in some sixty libraries (text to speech,
 * fonts, OpenCL): only the test source needs it. */
#define PPV_AVFILTER_CALLS(X) \
	X(avfilter_graph_alloc) X(avfilter_graph_create_filter) X(avfilter_get_by_name) \
	X(avfilter_graph_parse_ptr) X(avfilter_link) X(avfilter_graph_config) X(avfilter_inout_free) \
	X(avfilter_graph_free) X(av_buffersink_set_frame_size) X(av_buffersink_get_frame) \
	X(av_buffersrc_add_frame)

typedef struct {
#define PPV_AVFILTER_FIELD(name) __typeof__(name) *name;
	PPV_AVFILTER_CALLS(PPV_AVFILTER_FIELD)
#undef PPV_AVFILTER_FIELD
} ppv_avfilter;

const ppv_avfilter *ppv_avfilter_load(char *err, size_t cap);

#endif
