/* tools/io/report.c -- a self-contained HTML page per call (no network: inline CSS, SVG and a few
 * lines of script); the index of a batch is in index.c. The timeline has one lane per speaker with
 * their speech, level and pitch, raised-voice spans, backchannels and monologues; overlaps and
 * silences are shaded across both lanes; an interruption is an arrow from the one who took the
 * floor to the one who lost it; every de-escalation moment is a numbered marker. Clicking any
 * marker, span or row of the moments table moves the audio player to that moment. */
#include "report.h"
#include "evtype.h"
#include "urlenc.h"
#include "writers.h"
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- contours -------------------------------------------------------------------------- */

void report_contour_init(report_contour *c, int64_t total_frames, int rate_hz, int nch)
{
    memset(c, 0, sizeof *c);
    c->rate_hz = rate_hz;
    c->nch = nch;
    c->hop = call_hop_size(rate_hz);
    if (c->hop < 1) c->hop = 1;
    int64_t hops = total_frames > 0 ? total_frames / c->hop : 360000;
    c->bucket_hops = (int)((hops + 35999) / 36000);   /* 100 ms buckets up to an hour: detail when zoomed */
    if (c->bucket_hops < 10) c->bucket_hops = 10;      /* 100 ms is detail enough to read */
}

void report_contour_free(report_contour *c)
{
    for (int k = 0; k < 2; k++) { free(c->level[k]); free(c->f0[k]); }
    memset(c, 0, sizeof *c);
}

static void contour_add(report_contour *c, const tm_frame *f)
{
    int k = f->channel;
    if (c->failed || k < 0 || k > 1) return;
    if (c->acc_hops[k] == 0 || f->level_db > c->acc_level[k]) c->acc_level[k] = f->level_db;
    if (f->f0_hz > 0.0f && f->speech) { c->acc_f0[k] += f->f0_hz; c->acc_voiced[k]++; }
    if (++c->acc_hops[k] < c->bucket_hops) return;
    size_t i = (size_t)(f->start / c->hop / c->bucket_hops);
    if (i >= c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 1024;
        while (cap <= i) cap *= 2;
        for (int q = 0; q < 2; q++) {
            float *l = realloc(c->level[q], cap * sizeof(float));
            if (l) c->level[q] = l;
            float *p = realloc(c->f0[q], cap * sizeof(float));
            if (p) c->f0[q] = p;
            if (!l || !p) { c->failed = 1; return; }
            for (size_t z = c->cap; z < cap; z++) { c->level[q][z] = -120.0f; c->f0[q][z] = 0.0f; }
        }
        c->cap = cap;
    }
    c->level[k][i] = c->acc_level[k];
    c->f0[k][i] = c->acc_voiced[k] >= 3 ? (float)(c->acc_f0[k] / c->acc_voiced[k]) : 0.0f;
    if (i + 1 > c->n) c->n = i + 1;
    c->acc_hops[k] = c->acc_voiced[k] = 0;
    c->acc_f0[k] = 0.0;
}

void frame_tee_fn(void *user, const tm_frame *f)
{
    frame_tee *t = user;
    if (t->csv) frames_csv_row(t->csv, f);
    if (t->contour) contour_add(t->contour, f);
}

/* ---- helpers --------------------------------------------------------------------------- */

static void esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void mmss(char *b, size_t cap, double t)
{
    int m = (int)(t / 60.0);
    snprintf(b, cap, "%d:%02d", m, (int)(t - 60.0 * m));
}

/* Path of target relative to the folder of from (both as given; made absolute first). */
static void relpath(const char *target, const char *from, char *out, size_t cap)
{
    char t[PATH_MAX], f[PATH_MAX];
    if (!realpath(target, t)) { snprintf(out, cap, "%s", target); return; }
    char fdir[PATH_MAX];
    snprintf(fdir, sizeof fdir, "%s", from ? from : ".");
    char *slash = strrchr(fdir, '/');
    if (slash == fdir) fdir[1] = 0;          /* a report in "/" */
    else if (slash) *slash = 0;
    else snprintf(fdir, sizeof fdir, ".");
    if (!realpath(fdir, f)) { snprintf(out, cap, "%s", t); return; }
    size_t common = 0, i = 0;
    while (t[i] && t[i] == f[i]) { if (t[i] == '/') common = i; i++; }
    if (!f[i] && t[i] == '/') common = i;
    out[0] = 0;
    for (const char *p = f + common; *p; p++)
        if (*p == '/') strncat(out, "../", cap - strlen(out) - 1);
    strncat(out, t + common + 1, cap - strlen(out) - 1);
}

static void base64_file(FILE *out, const char *path)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    FILE *in = fopen(path, "rb");
    if (!in) return;
    unsigned char buf[3 * 4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        for (size_t i = 0; i < n; i += 3) {
            unsigned v = buf[i] << 16 | (i + 1 < n ? buf[i + 1] << 8 : 0) | (i + 2 < n ? buf[i + 2] : 0);
            fputc(tbl[v >> 18 & 63], out);
            fputc(tbl[v >> 12 & 63], out);
            fputc(i + 1 < n ? tbl[v >> 6 & 63] : '=', out);
            fputc(i + 2 < n ? tbl[v & 63] : '=', out);
        }
    }
    fclose(in);
}

static const char *mime_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot) return "audio/wav";
    if (!strcasecmp(dot, ".flac")) return "audio/flac";
    if (!strcasecmp(dot, ".ogg") || !strcasecmp(dot, ".oga") || !strcasecmp(dot, ".opus")) return "audio/ogg";
    if (!strcasecmp(dot, ".mp3")) return "audio/mpeg";
    return "audio/wav";
}

/* ---- the call report ------------------------------------------------------------------- */

static const char *colour[2] = {"#1f6fd1", "#e07b00"};

/* ---- the timeline: an overview strip of the whole call and a zoomable detail view --------- */

/* The timeline is drawn in the browser from the call's data (below, as JSON), so that zooming
 * lays it out again at the new scale: text and markers keep their size, time labels keep a
 * readable spacing (the smallest of 1 s, 2 s, 5 s, ... 1 h that is >= 90 px), and lane labels
 * live outside the scrolled area. Moments seek to their start minus a lead-in, as the index's
 * deep links (REPORT.html#t=SECONDS) do. */
#define LEAD_IN_S 2.0

static void json_text(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
        if (*q == '"' || *q == '\\') { fputc('\\', f); fputc(*q, f); }
        else if (*q < 0x20 || *q == '<' || *q == '>' || *q == '&') fprintf(f, "\\u%04x", *q);
        else if (*q == 0xE2 && q[1] == 0x80 && (q[2] == 0xA8 || q[2] == 0xA9)) { fprintf(f, "\\u%04x", 0x2000 | q[2]); q += 2; }
        else fputc(*q, f);
    }
    fputc('"', f);
}

static const char timeline_css[] =
    "<style>\n.tl-bar{margin:8px 0 4px}.tl-bar button{margin-right:4px}#tl-range{color:#555;margin-left:8px}\n"
    "#overview{display:block;width:100%;height:46px;border:1px solid #ddd;background:#fff;cursor:pointer;margin-bottom:4px}\n"
    ".tl{display:flex;border:1px solid #ddd;background:#fff}.tl-labels{position:relative;flex:0 0 78px;border-right:1px solid #ddd;background:#fcfcfc}\n"
    ".tl-labels div{position:absolute;right:8px;font-weight:bold;font-size:13px}.tl-scroll{overflow-x:auto;flex:1 1 auto}\n"
    "#timeline{display:block}\n</style>\n";

static const char timeline_js[] =
"(function(){'use strict';\n"
"var D=JSON.parse(document.getElementById('tl-data').textContent),p=document.getElementById('player');\n"
"var NS='http://www.w3.org/2000/svg',sc=document.getElementById('tl-scroll'),svg=document.getElementById('timeline'),ov=document.getElementById('overview');\n"
"var LANE=90,TOP=30,nl=D.lanes.length,laneY=[TOP+10,TOP+120],momY=laneY[nl-1]+LANE+25,H=momY+26,dur=Math.max(D.dur,0.01);\n"
"var STEPS=[1,2,5,10,15,30,60,120,300,600,900,1800,3600],MAXP=200,pps=1,ph=null,oph=null,owin=null;\n"
"function el(tag,a,par){var e=document.createElementNS(NS,tag);for(var k in a)e.setAttribute(k,a[k]);if(par)par.appendChild(e);return e;}\n"
"function tip(e,t){var x=document.createElementNS(NS,'title');x.textContent=t;e.appendChild(x);}\n"
"function mmss(t){var m=Math.floor(t/60),s=Math.floor(t-60*m+1e-6);return m+':'+(s<10?'0':'')+s;}\n"
"function minP(){return Math.min(MAXP,(sc.clientWidth-4)/dur);}\n"
"var labels=document.getElementById('tl-labels');labels.style.height=H+'px';\n"
"D.lanes.forEach(function(n,k){var d=document.createElement('div');d.textContent=n;d.style.color=D.colours[k];d.style.top=(laneY[k]+LANE/2-9)+'px';labels.appendChild(d);});\n"
"var ml=document.createElement('div');ml.textContent='moments';ml.style.top=(momY-9)+'px';labels.appendChild(ml);\n"
"function seek(t){t=Math.max(0,t);p.currentTime=t;window.lastSeek=t;playhead();var r=p.play();if(r&&r.catch)r.catch(function(){});}\n"
"function draw(){var W=Math.max(sc.clientWidth-2,dur*pps);svg.setAttribute('width',W);svg.setAttribute('height',H);svg.replaceChildren();\n"
" var defs=el('defs',{},svg),mk=el('marker',{id:'arrow',viewBox:'0 0 10 10',refX:9,refY:5,markerWidth:7,markerHeight:7,orient:'auto'},defs);el('path',{d:'M0,0 L10,5 L0,10 z',fill:'#d0021b'},mk);\n"
" var step=STEPS[STEPS.length-1];for(var i=0;i<STEPS.length;i++)if(STEPS[i]*pps>=90){step=STEPS[i];break;}\n"
" var ax=el('g',{'class':'axis'},svg);for(var t=0;t<=dur+1e-9;t+=step){var x=t*pps;el('line',{x1:x,y1:TOP-6,x2:x,y2:H,stroke:'#eee'},ax);\n"
"  var tx=el('text',{x:x+3,y:TOP-10,fill:'#555','font-size':11},ax);tx.textContent=mmss(t);}\n"
" svg.setAttribute('data-step',step);\n"
" for(var k=0;k<nl;k++)el('rect',{x:0,y:laneY[k],width:dur*pps,height:LANE,fill:'#fafafa',stroke:'#ddd'},svg);\n"
" var top=laneY[0],bot=laneY[nl-1]+LANE;\n"
" D.ev.forEach(function(e){var x0=e[3]*pps,w=Math.max((e[4]-e[3])*pps,1),y=laneY[e[1]],r;\n"
"  if(e[0]==='o'||e[0]==='q'){r=el('rect',{'class':e[0]==='o'?'overlap':'silence','data-t':e[3],x:x0,y:top,width:w,height:bot-top,fill:e[0]==='o'?'#888':'#bbb',opacity:e[0]==='o'?.3:.35},svg);tip(r,(e[0]==='o'?'overlap ':'silence ')+e[3].toFixed(1)+'-'+e[4].toFixed(1)+' s');}});\n"
" D.ev.forEach(function(e){var x0=e[3]*pps,w=Math.max((e[4]-e[3])*pps,1),y=laneY[e[1]],r;if(e[0]==='o'||e[0]==='q'||y===undefined)return;\n"
"  if(e[0]==='s')el('rect',{x:x0,y:y+LANE-16,width:w,height:14,fill:D.colours[e[1]]},svg);\n"
"  else if(e[0]==='r'){r=el('rect',{'class':'raised','data-t':e[3],x:x0,y:y,width:w,height:LANE-18,fill:'#d0021b',opacity:.35},svg);tip(r,'raised voice '+e[5]);}\n"
"  else if(e[0]==='b'){r=el('rect',{'class':'backchannel','data-t':e[3],x:x0,y:y+LANE-24,width:w,height:6,fill:'#2a9d4b'},svg);tip(r,'backchannel');}\n"
"  else if(e[0]==='m'){r=el('rect',{'class':'monologue','data-t':e[3],x:x0,y:y+1,width:w,height:5,fill:'#7b3fa0'},svg);tip(r,'monologue '+Math.round(e[4]-e[3])+' s');}\n"
"  else if(e[0]==='i'&&laneY[e[2]]!==undefined){var ya=y+LANE/2,yb=laneY[e[2]]+LANE/2;r=el('line',{'class':'interruption','data-t':e[3],x1:x0,y1:ya,x2:x0,y2:yb+(yb>ya?-4:4),stroke:'#d0021b','stroke-width':2.5,'marker-end':'url(#arrow)'},svg);tip(r,e[5]);}});\n"
" var bs=D.bucket_s;for(var c=0;c<nl&&c<D.level.length;c++){var y0=laneY[c],pts=[],d=[];\n"
"  D.level[c].forEach(function(l,i){l=Math.max(-70,Math.min(0,l));pts.push(((i+.5)*bs*pps).toFixed(1)+','+(y0+8+(LANE-26)*(-l/70)).toFixed(1));});\n"
"  el('polyline',{fill:'none','stroke-width':1,stroke:D.colours[c],opacity:.6,points:pts.join(' ')},svg);\n"
"  D.f0[c].forEach(function(f,i){if(f<=0)return;var v=Math.max(0,Math.min(1,Math.log(f/60)/Math.log(500/60)));d.push('M'+((i+.5)*bs*pps).toFixed(1)+','+(y0+8+(LANE-26)*(1-v)).toFixed(1)+'h0');});\n"
"  el('path',{'class':'pitch',d:d.join(''),stroke:'#000',opacity:.7,'stroke-width':2.6,'stroke-linecap':'round',fill:'none'},svg);}\n"
" D.moments.forEach(function(m,i){var x=m[0]*pps,g=el('g',{'class':'moment','data-t':Math.max(0,m[0]-D.lead).toFixed(2),'data-start':m[0]},svg);tip(g,m[2]);\n"
"  el('line',{x1:x,y1:top,x2:x,y2:momY-9,stroke:'#d0021b','stroke-dasharray':'2,3'},g);el('circle',{cx:x,cy:momY,r:9,fill:m[1]>=2?'#b00020':'#e8590c'},g);\n"
"  var n=el('text',{x:x,y:momY+4,'text-anchor':'middle',fill:'#fff','font-weight':'bold','font-size':11},g);n.textContent=String(i+1);});\n"
" ph=el('line',{id:'playhead',x1:0,y1:TOP-6,x2:0,y2:H,stroke:'#000','stroke-width':1.5},svg);playhead();win();}\n"
"function overview(){ov.replaceChildren();var h=46,lh=nl===2?16:32;\n"
" D.ev.forEach(function(e){if(e[0]!=='s'&&e[0]!=='r'||e[1]>=nl)return;var x=e[3]/dur*1000,w=Math.max((e[4]-e[3])/dur*1000,.3);\n"
"  el('rect',{x:x,y:e[0]==='r'?4+e[1]*(lh+4):6+e[1]*(lh+4),width:w,height:e[0]==='r'?lh:lh-4,fill:e[0]==='r'?'#d0021b':D.colours[e[1]],opacity:e[0]==='r'?.45:.8},ov);});\n"
" D.moments.forEach(function(m){var x=m[0]/dur*1000;el('rect',{x:x-.6,y:0,width:1.2,height:h,fill:m[1]>=2?'#b00020':'#e8590c'},ov);});\n"
" owin=el('rect',{id:'ov-win',x:0,y:0,width:1000,height:h,fill:'rgba(31,111,209,.08)',stroke:'#1f6fd1','stroke-width':1,'vector-effect':'non-scaling-stroke'},ov);\n"
" oph=el('rect',{id:'ov-playhead',x:0,y:0,width:1,height:h,fill:'#000'},ov);}\n"
"function win(){if(!owin)return;var a=sc.scrollLeft/pps/dur*1000,b=Math.min(dur,(sc.scrollLeft+sc.clientWidth)/pps)/dur*1000;owin.setAttribute('x',a);owin.setAttribute('width',Math.max(b-a,1));\n"
" document.getElementById('tl-range').textContent=mmss(sc.scrollLeft/pps)+'\\u2013'+mmss(Math.min(dur,(sc.scrollLeft+sc.clientWidth)/pps))+' shown, '+pps.toFixed(pps<1?2:1)+' px/s';}\n"
"function playhead(){var t=p.currentTime||0;if(ph){ph.setAttribute('x1',t*pps);ph.setAttribute('x2',t*pps);}if(oph)oph.setAttribute('x',t/dur*1000-.5);}\n"
"function center(){return (sc.scrollLeft+sc.clientWidth/2)/pps;}\n"
"function zoom(np,ct){if(ct===undefined)ct=center();pps=Math.max(minP(),Math.min(MAXP,np));draw();sc.scrollLeft=Math.max(0,ct*pps-sc.clientWidth/2);win();}\n"
"function show(t){var x=t*pps;if(x<sc.scrollLeft+40||x>sc.scrollLeft+sc.clientWidth-40)sc.scrollLeft=Math.max(0,x-sc.clientWidth/3);win();}\n"
"window.tmTimeline={zoom:zoom,pps:function(){return pps;},step:function(){return +svg.getAttribute('data-step');},view:function(){return[sc.scrollLeft/pps,(sc.scrollLeft+sc.clientWidth)/pps];}};\n"
"document.getElementById('zoom-in').onclick=function(){zoom(pps*2);};document.getElementById('zoom-out').onclick=function(){zoom(pps/2);};\n"
"document.getElementById('zoom-fit').onclick=function(){zoom(minP(),dur/2);};\n"
"sc.addEventListener('wheel',function(e){if(!e.ctrlKey)return;e.preventDefault();var r=sc.getBoundingClientRect(),t=(sc.scrollLeft+e.clientX-r.left)/pps;\n"
" pps=Math.max(minP(),Math.min(MAXP,pps*(e.deltaY<0?1.25:0.8)));draw();sc.scrollLeft=Math.max(0,t*pps-(e.clientX-r.left));win();},{passive:false});\n"
"sc.addEventListener('scroll',win);\n"
"ov.addEventListener('click',function(e){var r=ov.getBoundingClientRect(),t=(e.clientX-r.left)/r.width*dur;sc.scrollLeft=Math.max(0,t*pps-sc.clientWidth/2);win();});\n"
"svg.addEventListener('click',function(e){var x=e.target.closest('[data-t]');if(x)seek(parseFloat(x.getAttribute('data-t')));});\n"
"document.querySelectorAll('#moments tr[data-t]').forEach(function(tr){tr.addEventListener('click',function(){\n"
" show(parseFloat(tr.getAttribute('data-start')));seek(parseFloat(tr.getAttribute('data-t')));});});\n"
"var following=0;function follow(){playhead();var x=(p.currentTime||0)*pps;if(!p.paused&&(x<sc.scrollLeft||x>sc.scrollLeft+sc.clientWidth*0.9)){sc.scrollLeft=Math.max(0,x-sc.clientWidth*0.1);win();}\n"
" if(!p.paused)following=requestAnimationFrame(follow);else following=0;}\n"
"p.addEventListener('play',function(){if(!following)following=requestAnimationFrame(follow);});\n"
"p.addEventListener('timeupdate',function(){playhead();if(p.paused)return;var x=(p.currentTime||0)*pps;if(x<sc.scrollLeft||x>sc.scrollLeft+sc.clientWidth*0.9){sc.scrollLeft=Math.max(0,x-sc.clientWidth*0.1);win();}});\n"
"p.addEventListener('seeked',playhead);\n"
"function fromHash(){var m=/^#t=(\\d+(?:\\.\\d+)?)$/.exec(location.hash);if(!m)return;var t=Math.min(parseFloat(m[1]),dur);\n"
" if(pps*dur>sc.clientWidth*8)zoom(pps,t);else zoom(Math.max(pps,sc.clientWidth/120),t);\n"
" var go=function(){p.currentTime=t;window.lastSeek=t;playhead();};go();if(p.readyState<1)p.addEventListener('loadedmetadata',go,{once:true});}\n"
"window.addEventListener('hashchange',fromHash);\n"
"pps=Math.max(minP(),Math.min(MAXP,dur<=600?minP():sc.clientWidth/600));overview();draw();fromHash();\n"
"})();\n";

/* The page's top: its title, the style and the heading with what the call is. */
static void section_head(FILE *f, const call_result *r, const tm_profile *p)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>tonemon: ", f);
    esc(f, r->name);
    fputs("</title>\n<style>\n"
          "body{font:14px/1.4 system-ui,sans-serif;margin:20px;color:#222}\n"
          "h1{font-size:20px;margin:0 0 4px}.sub{color:#666;margin-bottom:12px}\n"
          "table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}\n"
          "th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}\n"
          ".scroll{overflow-x:auto;border:1px solid #ddd;background:#fff}\n"
          ".legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:14px;height:10px;margin-right:4px;vertical-align:middle}\n"
          ".moment{cursor:pointer}.moment:hover circle{stroke:#000;stroke-width:2}\n"
          "[data-t]{cursor:pointer}tr[data-t]:hover{background:#fff6d8}\n"
          "#player{width:100%;margin:10px 0;position:sticky;top:0;background:#fff}\n"
          ".sev2{color:#b00020;font-weight:bold}#moments td,#moments th{text-align:left}\n"
          "</style></head><body>\n<h1>Call report: ", f);
    esc(f, r->name);
    fprintf(f, "</h1><div class=\"sub\">%.1f s (%d:%02d), %s, %d Hz analysis rate, profile \"", r->duration_s,
            (int)(r->duration_s / 60), (int)fmod(r->duration_s, 60.0), r->nch == 2 ? "agent and caller on separate channels" : "one mixed channel",
            r->rate_hz);
    esc(f, p->name);
    fputs("\"</div>\n", f);
}

/* The audio player: the recording inside the page, or a link relative to the report's folder. */
static void section_player(FILE *f, const char *audio_path, const report_opts *o)
{
    fputs("<audio id=\"player\" controls preload=\"metadata\" src=\"", f);
    if (o && o->embed_audio) {
        fprintf(f, "data:%s;base64,", mime_of(audio_path));
        base64_file(f, audio_path);
    } else {
        /* relative to the report's own folder, every segment percent-encoded: a file name is
         * never a scheme ("javascript:"), a fragment or a query */
        char rel[PATH_MAX], url[3 * PATH_MAX + 3];
        relpath(audio_path, o ? o->report_path : NULL, rel, sizeof rel);
        if (url_path_encode(rel, url, sizeof url) == 0) fputs(url, f);
    }
    fputs("\"></audio>\n", f);
}

/* The call's statistics per speaker, and the line of call-wide counts under them. */
static void section_summary(FILE *f, const call_result *r)
{
    const tm_stats *s = &r->stats;
    int lanes = r->nch;
    fputs("<table id=\"summary\"><tr><th></th>", f);
    for (int k = 0; k < lanes; k++) fprintf(f, "<th style=\"color:%s\">%s</th>", colour[k], speaker_name(k, r->nch));
    fputs("</tr>\n", f);
    double total = s->speaker[0].talk_s + (lanes == 2 ? s->speaker[1].talk_s : 0.0);
    fputs("<tr><td>talk time</td>", f);
    for (int k = 0; k < lanes; k++)
        fprintf(f, "<td>%.1f s (%.0f%%)</td>", s->speaker[k].talk_s, total > 0 ? 100.0 * s->speaker[k].talk_s / total : 0.0);
    if (lanes == 2) {
        fputs("</tr>\n<tr><td>interruptions made</td>", f);
        for (int k = 0; k < 2; k++) fprintf(f, "<td>%d</td>", s->speaker[k].interruptions_made);
        fputs("</tr>\n<tr><td>backchannels</td>", f);
        for (int k = 0; k < 2; k++) fprintf(f, "<td>%d</td>", s->speaker[k].backchannels);
    }
    fputs("</tr>\n<tr><td>raised voice</td>", f);
    for (int k = 0; k < lanes; k++) fprintf(f, "<td>%.1f s (%d)</td>", s->speaker[k].raised_s, s->speaker[k].raised_count);
    fputs("</tr>\n<tr><td>pitch median (10-90%)</td>", f);
    for (int k = 0; k < lanes; k++)
        fprintf(f, "<td>%.0f Hz (%.0f-%.0f)</td>", s->speaker[k].f0_median_hz, s->speaker[k].f0_p10_hz, s->speaker[k].f0_p90_hz);
    fputs("</tr>\n<tr><td>speech level median</td>", f);
    for (int k = 0; k < lanes; k++) fprintf(f, "<td>%.1f dBFS</td>", s->speaker[k].level_median_db);
    fputs("</tr>\n</table>\n", f);
    fprintf(f, "<p>Overlap %.1f s in %d overlaps &middot; silences %d (%.1f s) &middot; de-escalation moments %d</p>\n",
            s->overlap_s, s->overlaps, s->silences, s->silence_s, s->deescalations);
}

static void section_legend(FILE *f, const call_result *r)
{
    fprintf(f, "<div class=\"legend\">"
               "<span><i class=\"sw\" style=\"background:%s\"></i>%s speech</span>", colour[0], speaker_name(0, r->nch));
    if (r->nch == 2) fprintf(f, "<span><i class=\"sw\" style=\"background:%s\"></i>caller speech</span>", colour[1]);
    fputs("<span>line: level (dBFS) &middot; dots: pitch</span>"
          "<span><i class=\"sw\" style=\"background:#d0021b;opacity:.35\"></i>raised voice</span>"
          "<span><i class=\"sw\" style=\"background:#888;opacity:.3\"></i>overlap</span>"
          "<span><i class=\"sw\" style=\"background:#bbb;opacity:.35\"></i>silence</span>"
          "<span><i class=\"sw\" style=\"background:#7b3fa0\"></i>monologue</span>"
          "<span><i class=\"sw\" style=\"background:#2a9d4b\"></i>backchannel</span>"
          "<span style=\"color:#d0021b\">&#10140; interruption (from who took the floor)</span>"
          "<span>&#9679; numbered: de-escalation moment (click to listen)</span></div>\n", f);
}

/* The overview strip and the detail view: the controls and the empty SVGs the script fills. */
static void section_overview(FILE *f)
{
    fputs(timeline_css, f);
    fputs("<div class=\"tl-bar\"><button type=\"button\" id=\"zoom-in\" title=\"zoom in (or Ctrl + wheel)\">zoom +</button>"
          "<button type=\"button\" id=\"zoom-out\">zoom &minus;</button><button type=\"button\" id=\"zoom-fit\">whole call</button>"
          "<span id=\"tl-range\"></span></div>\n"
          "<svg id=\"overview\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1000 46\" preserveAspectRatio=\"none\">"
          "<title>the whole call: click to move the detail view</title></svg>\n"
          "<div class=\"tl\"><div class=\"tl-labels\" id=\"tl-labels\"></div><div class=\"tl-scroll\" id=\"tl-scroll\">"
          "<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\"></svg></div></div>\n", f);
}

/* The timeline's lanes: every event the table gives a lane code, as [code, speaker, other,
 * start, end, title]. */
static void section_lanes(FILE *f, const call_result *r)
{
    fprintf(f, "\"dur\":%.3f,\"lead\":%.1f,\"lanes\":[", r->duration_s, LEAD_IN_S);
    for (int k = 0; k < r->nch; k++) fprintf(f, "%s\"%s\"", k ? "," : "", speaker_name(k, r->nch));
    fprintf(f, "],\"colours\":[\"%s\",\"%s\"],\"ev\":[", colour[0], colour[1]);
    int first = 1;
    for (size_t i = 0; i < r->ev.n; i++) {
        const tm_event *e = &r->ev.v[i];
        const ev_type_info *t = ev_type(e->type);
        char code = t ? t->lane : 0, extra[160] = "";
        if (!code) continue;
        /* the lane is the speaker's: the title says what the lane does not */
        if (t->other_key) ev_detail(extra, sizeof extra, e, r->nch, 0);
        else if (e->type == TM_EV_RAISED_VOICE) snprintf(extra, sizeof extra, "+%.1f dB, %+.1f st", e->level_db, e->pitch_st);
        fprintf(f, "%s[\"%c\",%d,%d,%.2f,%.2f,\"%s\"]", first ? "" : ",\n", code, e->speaker < 0 ? 0 : e->speaker,
                e->other < 0 ? 0 : e->other, sec(e->start, r->rate_hz), sec(e->end, r->rate_hz), extra);
        first = 0;
    }
    fputs("]", f);
}

/* What happened at a de-escalation moment, with the repeats merged into its prompt (" ×3"). */
static void moment_reason(char *buf, size_t cap, const tm_event *e, const tm_texts *t)
{
    if (e->count > 1) snprintf(buf, cap, "%s \xc3\x97%d", t->reason, e->count);
    else snprintf(buf, cap, "%s", t->reason);
}

/* The numbered markers of the de-escalation moments, as [start, severity, title]. */
static void section_markers(FILE *f, const call_result *r, const tm_profile *p)
{
    fputs(",\n\"moments\":[", f);
    int first = 1;
    for (size_t i = 0; i < r->ev.n; i++) {
        const tm_event *e = &r->ev.v[i];
        if (e->type != TM_EV_DEESCALATION) continue;
        const tm_texts *t = &p->text[e->reason];
        char reason[300], title[1200];
        moment_reason(reason, sizeof reason, e, t);
        snprintf(title, sizeof title, "%s: %s", reason, e->severity >= 2 ? t->suggestion_high : t->suggestion);
        fprintf(f, "%s[%.2f,%d,", first ? "" : ",", sec(e->start, r->rate_hz), e->severity);
        json_text(f, title);
        fputc(']', f);
        first = 0;
    }
    fputs("]", f);
}

/* Level and pitch per bucket and lane. A bucket lasts bucket_hops hops of the analyzer's own
 * hop (at 11025 Hz 110 samples, not 10 ms), so the contour stays under the events it goes with. */
static void section_contours(FILE *f, const call_result *r, const report_contour *c)
{
    int have = c && !c->failed && c->n > 0;
    fprintf(f, ",\n\"bucket_s\":%.9g,\"level\":[", have ? (double)c->bucket_hops * c->hop / c->rate_hz : 1.0);
    for (int k = 0; have && k < r->nch; k++) {
        fputs(k ? ",[" : "[", f);
        for (size_t i = 0; i < c->n; i++) fprintf(f, "%s%.1f", i ? "," : "", c->level[k][i]);
        fputc(']', f);
    }
    fputs("],\"f0\":[", f);
    for (int k = 0; have && k < r->nch; k++) {
        fputs(k ? ",[" : "[", f);
        for (size_t i = 0; i < c->n; i++) fprintf(f, "%s%.0f", i ? "," : "", c->f0[k][i]);
        fputc(']', f);
    }
    fputs("]", f);
}

/* The table of de-escalation moments: each row seeks the player to a lead-in before it. */
static void section_moments(FILE *f, const call_result *r, const tm_profile *p)
{
    int num = 0;
    for (size_t i = 0; i < r->ev.n; i++) num += r->ev.v[i].type == TM_EV_DEESCALATION;
    fputs("<h2 style=\"font-size:16px\">De-escalation moments</h2>\n", f);
    if (!num) { fputs("<p>None: nothing in this call needed the agent's attention.</p>\n", f); return; }
    fputs("<table id=\"moments\"><tr><th>#</th><th>time</th><th>who</th><th>what happened</th><th>suggestion</th></tr>\n", f);
    num = 0;
    for (size_t i = 0; i < r->ev.n; i++) {
        const tm_event *e = &r->ev.v[i];
        if (e->type != TM_EV_DEESCALATION) continue;
        const tm_texts *t = &p->text[e->reason];
        char b[16], reason[300];
        mmss(b, sizeof b, sec(e->start, r->rate_hz));
        fprintf(f, "<tr data-t=\"%.2f\" data-start=\"%.2f\"%s><td>%d</td><td>%s</td><td>%s</td><td style=\"text-align:left\">",
                fmax(0.0, sec(e->start, r->rate_hz) - LEAD_IN_S), sec(e->start, r->rate_hz), e->severity >= 2 ? " class=\"sev2\"" : "", ++num, b,
                e->speaker >= 0 ? speaker_name(e->speaker, r->nch) : "-");
        moment_reason(reason, sizeof reason, e, t);
        esc(f, reason);
        fputs("</td><td style=\"text-align:left\">", f);
        esc(f, e->severity >= 2 ? t->suggestion_high : t->suggestion);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

int report_write(FILE *f, const call_result *r, const report_contour *c, const tm_profile *p,
                 const char *audio_path, const report_opts *o)
{
    section_head(f, r, p);
    section_player(f, audio_path, o);
    section_summary(f, r);
    section_legend(f, r);
    section_overview(f);
    /* the timeline's data, drawn by the script at the page's end */
    fputs("<script type=\"application/json\" id=\"tl-data\">{", f);
    section_lanes(f, r);
    section_markers(f, r, p);
    section_contours(f, r, c);
    fputs("}</script>\n", f);
    section_moments(f, r, p);
    fputs("<script>\n", f);
    fputs(timeline_js, f);
    fputs("</script>\n</body></html>\n", f);
    return ferror(f) ? -1 : 0;
}
